// tce-run as CI runs it (the built CLI in a child process): a collection for the sample project
// against tce-sample-server (another child process) and against its own mock back ends (--mock),
// a collection for a project of our own (the shop), and load runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport, SavedCall } from '../../shared/console-api/types.js';
import { copyCluster, type ClusterCopy } from '../../support/cluster-copy.js';
import { CliProcess, ROOT, listeningUrls, requireBuilt, runCli, startSampleServerCli } from '../../support/cli-kit.js';
import { suffix } from '../../support/mq-kit.js';
import { shopProject, type ShopProject } from '../support/shop-project.js';

const tceRun = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli('tce-run', args, { timeoutMs: 60_000, env: { ...process.env, ...env } });

function writeCalls(dir: string, calls: SavedCall[]): void {
  for (const call of calls) {
    const file = join(dir, '.tce-console', 'saved-calls', `${call.name}.json`);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(call, null, 2)}\n`);
  }
}

const server = (name: string, method: string, args: SavedCall['args'], more: Partial<SavedCall> = {}): SavedCall => ({
  name,
  interface: 'test.Server',
  method,
  args,
  mode: 'twoway',
  ...more,
});

/** The sample project's collection: `basics` passes, `broken` has one deliberate failure. */
const SAMPLE_CALLS: SavedCall[] = [
  server('basics/setup', 'datetime', [], {
    expectations: [{ kind: 'matches', path: '$', regex: '^\\d{4}-\\d\\d-\\d\\dT' }],
  }),
  server('basics/echo', 'echo', ['{{word}}'], {
    expectations: [
      { kind: 'equals', value: 'Yah! hello' },
      { kind: 'latency', underMs: 10_000 },
    ],
    captures: [{ variable: 'greeting', path: '$' }],
  }),
  server('basics/echo chained', 'echo', ['{{greeting}}'], {
    expectations: [
      { kind: 'equals', value: 'Yah! Yah! hello' },
      { kind: 'script', source: 'if (!result.endsWith(variables.greeting)) throw new Error(result)' },
    ],
  }),
  server('basics/echo secret', 'echo', ['{{who}}'], { expectations: [{ kind: 'contains', value: 'Yah! ci-bot' }] }),
  server('basics/push', 'bidirection', [], {
    expectations: [
      { kind: 'push', method: 'test.ITerminal.onMessage', args: { message: 'server push message!' }, withinMs: 10_000 },
    ],
  }),
  server('basics/timeout', 'timeout', [5], { timeoutMs: 200, expectations: [{ kind: 'error', code: 2 }] }),
  server('basics/teardown', 'heartbeat', ['bye']),
  server('broken/echo', 'echo', ['hi'], { expectations: [{ kind: 'equals', value: 'bye' }] }),
];

const ENVIRONMENTS = { environments: [{ name: 'ci', variables: { word: 'hello' }, extraDefaults: {} }] };

function sampleProject(): ClusterCopy {
  const copy = copyCluster(`tce-run-${suffix()}`);
  writeFileSync(join(copy.dir, 'test.idl'), readFileSync(join(ROOT, 'idl-samples/cluster/test.idl')));
  writeCalls(copy.dir, SAMPLE_CALLS);
  writeFileSync(join(copy.dir, '.tce-console', 'environments.json'), JSON.stringify(ENVIRONMENTS));
  return copy;
}

function junitOf(xml: string) {
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (t) => elements.push({ name: t.name, attributes: t.attributes }));
  parser.write(xml).close();
  return elements;
}

const SECRET = { TCE_SECRET_who: 'ci-bot' };

beforeAll(() => requireBuilt('tce-run', 'tce-sample-server'));

describe('tce-run with the sample project', () => {
  let project: ClusterCopy;
  let sample: CliProcess;
  let url: string;
  beforeAll(async () => {
    project = sampleProject();
    const started = await startSampleServerCli(['--listen', 'tcp://127.0.0.1:0']);
    sample = started.server;
    url = listeningUrls(started.ready)[0]!;
  });
  afterAll(async () => {
    await sample.stop();
    project.removeFiles();
  });

  it('against tce-sample-server: one line per call, the summary line, a JUnit report, exit 1 for the deliberate failure', async () => {
    const junit = join(project.dir, 'report.xml');
    const r = await tceRun([project.dir, '--env', 'ci', '--target', url, '--reporter', 'junit', '-o', junit], SECRET);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.replace(/ {2}\d+ ms.*$/, ''))).toEqual([
      'PASS basics/setup (setup)',
      'PASS basics/echo',
      'PASS basics/echo chained',
      'PASS basics/echo secret',
      'PASS basics/push',
      'PASS basics/timeout',
      'PASS basics/teardown (teardown)',
      'FAIL broken/echo',
      '7 passed, 1 failed',
    ]);
    expect(lines[7]).toMatch(/\$: expected "bye", got "Yah! hi"$/);
    const xml = junitOf(readFileSync(junit, 'utf8'));
    expect(xml[0]).toMatchObject({ name: 'testsuites', attributes: { tests: '8', failures: '1' } });
    expect(xml.filter((e) => e.name === 'testcase')).toHaveLength(8);
    expect(xml.find((e) => e.name === 'failure')?.attributes['message']).toBe('$: expected "bye", got "Yah! hi"');
  });

  it('runs a folder alone and exits 0 when all of it passes', async () => {
    const r = await tceRun([project.dir, 'basics', '--env', 'ci', '--target', url], SECRET);
    expect(r.stdout).toContain('\n7 passed, 0 failed\n');
    expect(r.code).toBe(0);
  });

  it('without the secret in the environment the call that needs it fails and says why', async () => {
    const r = await tceRun([project.dir, 'basics/echo secret', '--env', 'ci', '--target', url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('{{who}} is not set');
  });

  it('against --mock: the same collection, the same verdicts, JSON report', async () => {
    const out = join(project.dir, 'report.json');
    const r = await tceRun([project.dir, '--env', 'ci', '--mock', '--reporter', 'json', '-o', out, '--bail'], SECRET);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\n7 passed, 1 failed\n');
    const report = JSON.parse(readFileSync(out, 'utf8')) as { calls: { name: string; captured: object }[] };
    expect(report.calls.find((c) => c.name === 'basics/echo')?.captured).toEqual({ greeting: 'Yah! hello' });
  });

  it('exits 2 for usage errors: an unknown option, folder or environment', async () => {
    expect((await tceRun([project.dir, '--reporter', 'xml'])).code).toBe(2);
    const folder = await tceRun([project.dir, 'nope', '--target', url]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('no saved call or folder named "nope"');
    expect((await tceRun([project.dir, '--env', 'prod', '--target', url])).code).toBe(2);
    expect((await tceRun([project.dir, '--calls', '5'])).code).toBe(2);
  });

  it('a 5 s load run against --mock reports sane percentiles and zero errors, corrected for coordinated omission', async () => {
    const out = join(project.dir, 'load.json');
    const r = await tceRun([
      project.dir,
      'basics/echo',
      '--env',
      'ci',
      '--mock',
      '--load',
      '--duration',
      '5s',
      '--rate',
      '200/s',
      '--concurrency',
      '16',
      '--reporter',
      'json',
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('errors: none');
    expect(r.stdout).toContain('coordinated omission: corrected');
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadReport;
    expect(report.errors).toEqual({});
    expect(report.calls).toBe(report.ok);
    // 200/s for 5 s: about 1000 calls (the last ones may still be due when time is up).
    expect(report.calls).toBeGreaterThan(900);
    expect(report.calls).toBeLessThanOrEqual(1000);
    const l = report.latency;
    expect(l.count).toBe(report.calls);
    const ordered = [l.minMs, l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs];
    expect(ordered, JSON.stringify(l)).toEqual([...ordered].sort((a, b) => a - b));
    expect(l.minMs).toBeGreaterThan(0);
    expect(report.histogram.reduce((n, b) => n + b.count, 0)).toBe(report.calls);
    expect(report.throughput.reduce((n, c) => n + c, 0)).toBe(report.calls);
  });
});

describe('tce-run with a project of its own (the shop)', () => {
  let shop: ShopProject;
  beforeAll(() => {
    shop = shopProject(`tce-run-shop-${suffix()}`);
    const call = (
      name: string,
      iface: string,
      method: string,
      args: SavedCall['args'],
      more: Partial<SavedCall> = {},
    ) => ({ name, interface: iface, method, args, mode: 'twoway', ...more }) satisfies SavedCall;
    writeCalls(shop.dir, [
      call('orders/setup', 'shop.Catalog', 'version', [], { expectations: [{ kind: 'equals', value: 'shop 2.0' }] }),
      call(
        'orders/1 place',
        'shop.Orders',
        'place',
        { item: { id: 7, name: 'pen', price: 1.5 }, quantity: 2 },
        {
          captures: [{ variable: 'placed', path: '$' }],
        },
      ),
      call(
        'orders/2 place more',
        'shop.Orders',
        'place',
        { item: { id: 7, name: 'pen', price: 1.5 }, quantity: '{{placed}}' },
        {
          expectations: [{ kind: 'equals', value: 4 }],
        },
      ),
      call('orders/3 watch', 'shop.Orders', 'watch', ['pen'], {
        expectations: [
          { kind: 'push', method: 'shop.IShopClient.onPrice', args: { sku: 'pen', price: 1.25 }, withinMs: 10_000 },
        ],
      }),
      call('orders/4 item', 'shop.Catalog', 'item', [3], {
        expectations: [
          { kind: 'contains', value: { id: 3 } },
          { kind: 'path', path: '$.name', value: 'item 3' },
        ],
      }),
    ]);
  });
  afterAll(() => shop.removeFiles());

  it('runs against its mock back ends through a named endpoint: chained variable, push, struct result', async () => {
    const r = await tceRun([shop.dir, '--mock', '--target', 'shop_ws']);
    expect(r.stdout).toContain('\n5 passed, 0 failed\n');
    expect(r.code).toBe(0);
  });
});
