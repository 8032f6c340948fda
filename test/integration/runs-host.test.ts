// Runs through the console API (what the Run view does): progress events per call, the final
// report, feed entries tagged with the run and the call at every hop, load runs, and refusals.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadReport, RunEvent, RunReport, SavedCall } from '../../shared/console-api/types.js';
import { startSandboxConsole, type SandboxConsole } from './host-kit.js';

const call = (name: string, args: SavedCall['args'], expected: string): SavedCall => ({
  name,
  interface: 'test.Server',
  method: 'echo',
  args,
  mode: 'twoway',
  target: { kind: 'endpoint', endpoint: 'socket_gateway' },
  expectations: [{ kind: 'equals', value: expected }],
});

describe('runs in the console host', () => {
  let c: SandboxConsole;
  const events: RunEvent[] = [];
  beforeAll(async () => {
    c = await startSandboxConsole('memory');
    c.bridge.on('runs.event', (e) => events.push(e));
    await c.bridge.call('workspace.saveCall', { call: call('tagged/one', ['a'], 'Yah! a') });
    await c.bridge.call('workspace.saveCall', { call: call('tagged/two', ['b'], 'nope') });
  });
  afterAll(() => c.close());

  const finished = async (runId: string): Promise<RunReport> => {
    const done = await vi.waitFor(() => {
      const e = events.find((x) => x.runId === runId && x.kind === 'done');
      if (!e || e.kind !== 'done') throw new Error(`run ${runId} not done`);
      return e;
    });
    return done.report;
  };

  it('reports each call as it ends, then the whole run', async () => {
    const { runId } = await c.bridge.call('runs.start', { selection: ['tagged'] });
    const report = await finished(runId);
    expect(report.calls.map((x) => [x.name, x.verdict])).toEqual([
      ['tagged/one', 'passed'],
      ['tagged/two', 'failed'],
    ]);
    expect(report.totals).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
    expect(events.filter((e) => e.runId === runId && e.kind === 'call')).toHaveLength(2);
  });

  it('tags the feed entries of a run with the run and the call, at every hop', async () => {
    const { runId } = await c.bridge.call('runs.start', { selection: ['tagged/one'] });
    await finished(runId);
    const { entries } = await c.bridge.call('feed.query', { limit: 100_000 });
    const tagged = entries.filter((e) => e.run?.run === runId);
    expect(new Set(tagged.map((e) => e.run!.call))).toEqual(new Set(['tagged/one']));
    expect(new Set(tagged.map((e) => `${e.hop} ${e.direction} ${e.kind}`))).toContain('console out call');
    expect(new Set(tagged.map((e) => `${e.hop} ${e.direction} ${e.kind}`))).toContain('console in return');
    expect(new Set(tagged.map((e) => e.hop))).toEqual(new Set(['console', 'gateway', 'queue', 'server']));
  });

  it('runs a load run and reports its progress and result', async () => {
    const { runId } = await c.bridge.call('runs.load', { call: 'tagged/one', concurrency: 4, calls: 200 });
    const done = await vi.waitFor(
      () => {
        const e = events.find((x) => x.runId === runId && x.kind === 'load-done');
        if (!e || e.kind !== 'load-done') throw new Error('not done');
        return e.report;
      },
      { timeout: 20_000 },
    );
    const report: LoadReport = done;
    expect(report).toMatchObject({ calls: 200, ok: 200, errors: {} });
    expect(report.latency.count).toBe(200);
  });

  it('refuses unknown folders and environments before running anything', async () => {
    await expect(c.bridge.call('runs.start', { selection: ['nothing'] })).rejects.toMatchObject({ code: 'not-found' });
    await expect(c.bridge.call('runs.start', { selection: [], environment: 'prod' })).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(c.bridge.call('runs.cancel', { runId: 'run-999' })).rejects.toMatchObject({ code: 'not-found' });
  });
});
