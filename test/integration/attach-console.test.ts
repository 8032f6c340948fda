// The console attached to parts it did not start: its sandbox with gateways only in front of an
// external tce-sample-server back end, a proxy started through the console API in front of that
// gateway, and `tce-capture` recording a session that the console then imports.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromNdjson } from '../../shared/console-api/feed-ndjson.js';
import type { AttachmentInfo, SandboxState } from '../../shared/console-api/types.js';
import { CliProcess, ROOT, requireBuilt, runCli, startSampleServerCli } from '../../support/cli-kit.js';
import { RABBIT_URL, RabbitAdmin } from '../../support/mq-kit.js';
import { clusterProject, path, startConsole, succeeded, waitForEntries, type Console } from './host-kit.js';
import type { ClusterCopy } from '../../support/cluster-copy.js';

let c: Console;
let project: ClusterCopy;
let backEnd: CliProcess;
let gatewayUrl: string;

beforeAll(async () => {
  requireBuilt('tce-sample-server', 'tce-capture', 'tce-call');
  project = clusterProject();
  c = await startConsole();
  await c.bridge.call('project.open', { path: project.dir });
  const state = await c.bridge.call('sandbox.start', { broker: 'amqp', amqpUrl: RABBIT_URL, mode: 'gateways' });
  if (state.state !== 'running') throw new Error(JSON.stringify(state));
  gatewayUrl = state.gateways.find((g) => g.server === 'gwserver')!.listen[0]!;
  // The back end is the user's own process, started outside the console.
  backEnd = (await startSampleServerCli(['--config', project.configYml, '--name', 'server', '--amqp', RABBIT_URL]))
    .server;
}, 60_000);

afterAll(async () => {
  await backEnd?.stop();
  await c?.close();
  const admin = await RabbitAdmin.open();
  await admin.remove(project.queues, project.exchanges);
  await admin.close();
  project.removeFiles();
}, 60_000);

describe('gateways only, in front of an external back end', () => {
  it('runs no mock back end: the external tce-sample-server answers, and the feed has no server hop', async () => {
    const state: SandboxState = await c.bridge.call('sandbox.state', {});
    expect(state).toMatchObject({ state: 'running', mode: 'gateways', backEnds: [] });
    const result = succeeded(
      await c.bridge.call('invoke', {
        target: { kind: 'endpoint', endpoint: 'socket_gateway' },
        interface: 'test.Server',
        method: 'echo',
        args: ['to the real back end'],
        mode: 'twoway',
      }),
    );
    expect(result.value).toBe('Yah! to the real back end');
    expect(await backEnd.waitFor(/^echo\("to the real back end"\)/)).toBeTruthy();
    const entries = await waitForEntries(c.bridge, { method: 'echo' }, 6);
    expect(path(entries)).toEqual(['console out', 'gateway in', 'queue out', 'queue in', 'gateway out', 'console in']);
    await c.bridge.call('feed.clear', {});
  });
});

describe('a proxy started through the console API', () => {
  it("stands in front of the sandbox gateway: a tce-call through it is recorded at hop proxy under the gateway's key, and it stops", async () => {
    const states: AttachmentInfo[][] = [];
    const off = c.bridge.on('attach.state', (infos) => states.push(infos));
    try {
      const proxy = await c.bridge.call('attach.proxy.start', {
        upstream: { kind: 'endpoint', endpoint: 'socket_gateway' },
      });
      if (proxy.kind !== 'proxy') throw new Error('not a proxy');
      // Loopback unless the user asks otherwise; the gateway's real listener is the upstream.
      expect(proxy.listen).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(proxy).toMatchObject({
        upstream: gatewayUrl,
        endpoint: 'socket_gateway',
        gateway: 'gwserver',
      });
      const r = await runCli('tce-call', [
        '--idl',
        join(ROOT, 'idl-samples', 'test.idl'),
        '--target',
        proxy.listen,
        'test.Server.echo',
        '["via the proxy"]',
      ]);
      expect(r.stdout.trim()).toBe('"Yah! via the proxy"');

      const entries = await waitForEntries(c.bridge, { method: 'echo' }, 6);
      expect(path(entries)).toEqual(['proxy in', 'gateway in', 'queue out', 'queue in', 'gateway out', 'proxy out']);
      // Re-keyed once the gateway's RETURN named the user: every hop shares the gateway's key.
      await vi.waitFor(async () => {
        const { entries: now } = await c.bridge.call('feed.query', { limit: 100, filter: { method: 'echo' } });
        expect(new Set(now.map((e) => e.correlation)).size).toBe(1);
        expect(now[0]!.correlation).toMatch(/^call:1:\d+@gwserver$/);
      });
      await vi.waitFor(() => expect(states.at(-1)?.[0]).toMatchObject({ id: proxy.id, frames: 2, accepted: 1 }));

      expect(await c.bridge.call('attach.proxy.stop', { id: proxy.id })).toEqual([]);
      expect(await c.bridge.call('attach.list', {})).toEqual([]);
      await expect(c.bridge.call('attach.proxy.stop', { id: proxy.id })).rejects.toThrow(/no proxy attachment/);
      await expect(
        c.bridge.call('attach.proxy.start', { upstream: { kind: 'endpoint', endpoint: 'mq_server' } }),
      ).rejects.toThrow(/a proxy forwards stream connections/);
    } finally {
      off();
      await c.bridge.call('feed.clear', {});
    }
  });
});

describe('tce-capture', () => {
  it('records a session as NDJSON with the decoded echo argument and result, stops on SIGINT, and the console imports the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tce-capture-'));
    const file = join(dir, 'capture.ndjson');
    const capture = new CliProcess('tce-capture', [
      '--project',
      project.dir,
      '--proxy',
      `tcp://127.0.0.1:0=${gatewayUrl}`,
      '-o',
      file,
    ]);
    try {
      await vi.waitFor(() => expect(capture.stderr).toMatch(/recording; Ctrl\+C stops/), { timeout: 15_000 });
      const listen = /point the clients at (tcp:\/\/\S+)/.exec(capture.stderr)![1]!;
      const r = await runCli('tce-call', [
        '--idl',
        join(ROOT, 'idl-samples', 'test.idl'),
        '--target',
        listen,
        'test.Server.echo',
        '["captured"]',
      ]);
      expect(r.stdout.trim()).toBe('"Yah! captured"');
      expect(await capture.stop('SIGINT')).toEqual({ code: 0, signal: null });
      expect(capture.stderr).toMatch(/stopped \(SIGINT\): 2 entries written/);

      const text = readFileSync(file, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l['decoded'])).toEqual([
        { ok: true, interface: 'test.Server', method: 'echo', kind: 'params', value: { text: 'captured' } },
        { ok: true, interface: 'test.Server', method: 'echo', kind: 'result', value: 'Yah! captured' },
      ]);
      expect(lines.map((l) => `${String(l['hop'])} ${String(l['direction'])}`)).toEqual(['proxy in', 'proxy out']);
      expect(fromNdjson(text)).toHaveLength(2);

      expect(await c.bridge.call('feed.import', { ndjson: text })).toEqual({ count: 2 });
      const imported = await waitForEntries(c.bridge, { hop: 'proxy' }, 2);
      expect(imported.map((e) => `${e.method} ${e.kind}`)).toEqual(['echo call', 'echo return']);
    } finally {
      await capture.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops by itself after --count entries, writing them to stdout', async () => {
    const capture = new CliProcess('tce-capture', [
      '--idl',
      join(ROOT, 'idl-samples', 'test.idl'),
      '--proxy',
      `tcp://127.0.0.1:0=${gatewayUrl}`,
      '--count',
      '2',
    ]);
    try {
      await vi.waitFor(() => expect(capture.stderr).toMatch(/recording/), { timeout: 15_000 });
      const listen = /point the clients at (tcp:\/\/\S+)/.exec(capture.stderr)![1]!;
      await runCli('tce-call', [
        '--idl',
        join(ROOT, 'idl-samples', 'test.idl'),
        '--target',
        listen,
        'test.Server.echo',
        '["counted"]',
      ]);
      expect(await capture.exited).toEqual({ code: 0, signal: null });
      expect(capture.lines.map((l) => (JSON.parse(l) as { kind: string }).kind)).toEqual(['call', 'return']);
    } finally {
      await capture.stop('SIGKILL');
    }
  }, 60_000);

  it('refuses a command line without anything to record (with its usage) and an output file it cannot write', async () => {
    const r = await runCli('tce-capture', ['--idl', join(ROOT, 'idl-samples', 'test.idl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to record: give --proxy LISTEN_URL=UPSTREAM_URL and\/or --tap AMQP_URL/);
    const unwritable = await runCli('tce-capture', [
      '--idl',
      join(ROOT, 'idl-samples', 'test.idl'),
      '--proxy',
      `tcp://127.0.0.1:0=${gatewayUrl}`,
      '-o',
      join(tmpdir(), 'no-such-folder-for-tce-capture', 'x.ndjson'),
    ]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/tce-capture: error: cannot write .*x\.ndjson: ENOENT/);
  });
});
