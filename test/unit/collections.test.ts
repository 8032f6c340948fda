import { SaxesParser } from 'saxes';
import { afterAll, describe, expect, it } from 'vitest';
import { Assertions } from '../../electron/runner/assertions.js';
import { planRun } from '../../electron/runner/plan.js';
import { capture, evaluate } from '../../shared/collections/evaluate.js';
import { LatencyHistogram } from '../../shared/collections/histogram.js';
import { lineDiff } from '../../shared/collections/diff.js';
import { valueAt } from '../../shared/collections/path.js';
import { junitReport, summaryLine, totalsOf } from '../../shared/collections/report.js';
import { fillJson } from '../../shared/collections/template.js';
import type {
  CallReport,
  Expectation,
  InvokeResult,
  JsonValue,
  RunReport,
  SavedCall,
  SeenPush,
} from '../../shared/console-api/types.js';

const ok = (value: JsonValue, extra: Record<string, string> = {}, latencyMs = 5): InvokeResult => ({
  ok: true,
  value,
  extra,
  sequence: 1,
  latencyMs,
  requestSize: 10,
  responseSize: 10,
});
const failed = (code: number): InvokeResult => ({
  ok: false,
  error: { code, codeName: `E${code}`, reason: 'no such order' },
  latencyMs: 3,
});
const order = { id: 'A-17', status: 'open', items: [{ sku: 'pen', qty: 2 }], total: 9.5 };
const assertions = new Assertions(500);
afterAll(() => assertions.close());

async function verdict(
  e: Expectation,
  result: InvokeResult,
  pushes: SeenPush[] = [],
  vars: Record<string, JsonValue> = {},
) {
  const outcomes = await evaluate(
    [e],
    { result, pushes },
    (n) => vars[n],
    () => vars,
    assertions.run,
  );
  return outcomes;
}
const passes = async (e: Expectation, result: InvokeResult, pushes?: SeenPush[], vars?: Record<string, JsonValue>) =>
  (await verdict(e, result, pushes, vars)).every((o) => o.pass);

describe('expectations, each kind passing and failing', () => {
  it('equals: JSON equality regardless of key order, extra keys fail', async () => {
    expect(
      await passes(
        { kind: 'equals', value: { ...order } },
        ok({ items: order.items, total: 9.5, status: 'open', id: 'A-17' }),
      ),
    ).toBe(true);
    const [o] = await verdict({ kind: 'equals', value: { id: 'A-17' } }, ok(order));
    expect(o).toMatchObject({
      pass: false,
      message: '$.status: not expected',
      expected: { id: 'A-17' },
      actual: order,
    });
  });
  it('contains: object subset, arrays item by item', async () => {
    expect(await passes({ kind: 'contains', value: { status: 'open', items: [{ sku: 'pen' }] } }, ok(order))).toBe(
      true,
    );
    const [o] = await verdict({ kind: 'contains', value: { status: 'paid' } }, ok(order));
    expect(o!.message).toBe('$.status: expected "paid", got "open"');
    expect((await verdict({ kind: 'contains', value: { items: [] } }, ok(order)))[0]!.message).toBe(
      '$.items: expected 0 item(s), got 1',
    );
  });
  it('path: the value at a JSONPath-like path', async () => {
    expect(await passes({ kind: 'path', path: '$.items[0].qty', value: 2 }, ok(order))).toBe(true);
    expect((await verdict({ kind: 'path', path: '$.items[0].qty', value: 3 }, ok(order)))[0]).toMatchObject({
      pass: false,
      expected: 3,
      actual: 2,
    });
    expect((await verdict({ kind: 'path', path: '$.items[4].qty', value: 3 }, ok(order)))[0]!.message).toBe(
      '$.items[4]: the array has 1 item(s)',
    );
  });
  it('matches: a regular expression against the text at a path', async () => {
    expect(await passes({ kind: 'matches', path: '$.id', regex: '^A-\\d+$' }, ok(order))).toBe(true);
    expect(await passes({ kind: 'matches', path: '$.total', regex: '^9\\.5$' }, ok(order))).toBe(true);
    expect((await verdict({ kind: 'matches', path: '$.id', regex: '^B-' }, ok(order)))[0]!.message).toBe(
      '$.id: "A-17" does not match /^B-/',
    );
  });
  it('error: the call fails with that code; any other outcome fails the expectation', async () => {
    expect(await passes({ kind: 'error', code: 4 }, failed(4))).toBe(true);
    expect((await verdict({ kind: 'error', code: 4 }, failed(6)))[0]!.message).toBe('expected error 4, error E6 (6)');
    expect((await verdict({ kind: 'error', code: 4 }, ok(1)))[0]!.message).toBe('expected error 4, it succeeded');
  });
  it('a call that fails without an error expectation fails, whatever else it expects', async () => {
    const outcomes = await verdict({ kind: 'latency', underMs: 100 }, failed(2));
    expect(outcomes[0]).toMatchObject({ pass: false, message: 'the call failed: error E2 (2): no such order' });
  });
  it('latency: under N ms', async () => {
    expect(await passes({ kind: 'latency', underMs: 10 }, ok(1, {}, 9.9))).toBe(true);
    expect((await verdict({ kind: 'latency', underMs: 10 }, ok(1, {}, 10)))[0]!.message).toBe(
      'expected an answer under 10 ms, took 10 ms',
    );
  });
  it('push: of a method, in time, with matching args', async () => {
    const pushes: SeenPush[] = [{ method: 'shop.Events.shipped', args: { orderId: 'A-17', by: 'post' }, afterMs: 40 }];
    const e: Expectation = { kind: 'push', method: 'shop.Events.shipped', args: { orderId: 'A-17' }, withinMs: 100 };
    expect(await passes(e, ok(null), pushes)).toBe(true);
    expect(await passes({ ...e, withinMs: 30 }, ok(null), pushes)).toBe(false);
    expect(await passes({ ...e, args: { orderId: 'B-1' } }, ok(null), pushes)).toBe(false);
    expect((await verdict({ ...e, method: 'shop.Events.lost' }, ok(null), pushes))[0]!.message).toBe(
      'no push of shop.Events.lost within 100 ms (1 other push(es) seen)',
    );
  });
  it('extra: the reply extra has key=value', async () => {
    expect(await passes({ kind: 'extra', key: 'region', value: 'eu' }, ok(1, { region: 'eu' }))).toBe(true);
    expect((await verdict({ kind: 'extra', key: 'region', value: 'eu' }, ok(1, { region: 'us' })))[0]!.message).toBe(
      'extra region: expected "eu", got "us"',
    );
  });
  it('script: passes unless it throws or returns false, sees result and variables', async () => {
    const vars = { expectedId: 'A-17' };
    expect(
      await passes(
        { kind: 'script', source: 'if (result.id !== variables.expectedId) throw new Error("id")' },
        ok(order),
        [],
        vars,
      ),
    ).toBe(true);
    expect((await verdict({ kind: 'script', source: 'return result.total > 10' }, ok(order)))[0]!.message).toBe(
      'the script returned false',
    );
    expect(
      (await verdict({ kind: 'script', source: 'throw new TypeError("bad " + latencyMs)' }, ok(order)))[0]!.message,
    ).toBe('the script threw TypeError: bad 5');
  });
  it('script: one that never ends is stopped at its deadline and the next one runs', async () => {
    expect((await verdict({ kind: 'script', source: 'for (;;) {}' }, ok(1)))[0]!.message).toBe(
      'the script did not finish within 500 ms (stopped)',
    );
    expect(await passes({ kind: 'script', source: 'return error === null' }, ok(1))).toBe(true);
  });
  it('values may hold {{variables}}', async () => {
    expect(await passes({ kind: 'path', path: '$.id', value: '{{id}}' }, ok(order), [], { id: 'A-17' })).toBe(true);
    expect((await verdict({ kind: 'path', path: '$.id', value: '{{nope}}' }, ok(order)))[0]!.message).toContain(
      '{{nope}} is not set',
    );
  });
});

describe('captures and templates', () => {
  it('captures values at paths; a missing one fails', () => {
    const taken = capture(
      [
        { variable: 'order_id', path: '$.id' },
        { variable: 'qty', path: '$.items[0].qty' },
        { variable: 'gone', path: '$.missing' },
      ],
      ok(order),
    );
    expect(taken.values).toEqual({ order_id: 'A-17', qty: 2 });
    expect(taken.outcomes.map((o) => o.pass)).toEqual([true, true, false]);
    expect(taken.outcomes[2]!.message).toBe('{{gone}} not captured: $.missing: no such key');
  });
  it('a whole placeholder keeps the value, one inside text becomes text', () => {
    const vars: Record<string, JsonValue> = { qty: 2, id: 'A-17' };
    expect(fillJson({ n: '{{qty}}', note: 'order {{id}} x{{ qty }}', list: ['{{id}}'] }, (n) => vars[n])).toEqual({
      n: 2,
      note: 'order A-17 x2',
      list: ['A-17'],
    });
  });
  it('paths: quoted keys, indexes, and clear errors', () => {
    expect(valueAt({ 'odd key': [1, { x: true }] }, '$["odd key"][1].x')).toEqual({ found: true, value: true });
    expect(() => valueAt({}, '$.a[x]')).toThrow('$.a[x]: expected [index] or ["key"] at column 4');
  });
});

describe('run order', () => {
  const call = (name: string): SavedCall => ({ name, interface: 'a.B', method: 'c', args: [], mode: 'twoway' });
  const names = ['orders/b', 'orders/setup', 'orders/teardown', 'orders/items/x', 'orders/a', 'setup', 'other/z'].map(
    call,
  );
  it("a folder's setup runs first and its teardown last, sub-folders in between, the rest in name order", () => {
    expect(planRun(names, ['orders']).plan.map((p) => `${p.call.name}:${p.role}`)).toEqual([
      'setup:setup',
      'orders/setup:setup',
      'orders/a:call',
      'orders/b:call',
      'orders/items/x:call',
      'orders/teardown:teardown',
    ]);
    expect(planRun(names, ['nope']).unknown).toEqual(['nope']);
  });
});

describe('JUnit XML', () => {
  const call = (name: string, verdict: CallReport['verdict'], message?: string): CallReport => ({
    name,
    role: 'call',
    verdict,
    outcomes: verdict === 'failed' ? [{ index: 0, kind: 'equals', pass: false, message: message! }] : [],
    pushes: [],
    captured: {},
    durationMs: 12,
    ...(message === undefined ? {} : { message }),
  });
  it('has testsuites/testsuite/testcase/failure with the counts CI tools read', () => {
    const calls = [
      call('orders/create', 'passed'),
      call('orders/pay', 'failed', '$.status: expected "paid", got <"open"> & more'),
      call('ping', 'skipped', 'skipped after the first failure (--bail)'),
    ];
    const report: RunReport = {
      id: 'r',
      selection: [],
      startedAt: Date.UTC(2026, 0, 2),
      calls,
      totals: totalsOf(calls, 40),
    };
    const xml = junitReport(report);
    const elements: { name: string; attributes: Record<string, string>; text: string }[] = [];
    const parser = new SaxesParser();
    parser.on('opentag', (t) => elements.push({ name: t.name, attributes: t.attributes, text: '' }));
    parser.on('text', (t) => {
      if (elements.length) elements[elements.length - 1]!.text += t;
    });
    parser.write(xml).close();
    const of = (name: string) => elements.filter((e) => e.name === name);
    expect(of('testsuites')[0]!.attributes).toMatchObject({ tests: '3', failures: '1', skipped: '1', errors: '0' });
    expect(of('testsuite').map((s) => [s.attributes['name'], s.attributes['tests'], s.attributes['failures']])).toEqual(
      [
        ['orders', '2', '1'],
        ['(top)', '1', '0'],
      ],
    );
    expect(of('testcase').map((c) => `${c.attributes['classname']}/${c.attributes['name']}`)).toEqual([
      'orders/create',
      'orders/pay',
      '(top)/ping',
    ]);
    expect(of('failure')[0]!.attributes['message']).toBe('$.status: expected "paid", got <"open"> & more');
    expect(of('skipped')).toHaveLength(1);
    expect(summaryLine(report.totals)).toBe('1 passed, 1 failed');
  });
});

describe('latency histogram', () => {
  /** A deterministic generator (mulberry32), so the distribution is the same on every run. */
  function random(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const exact = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

  it('gives percentiles within 1% of the exact ones on an exponential distribution', () => {
    const next = random(7);
    const samples = Array.from({ length: 200_000 }, () => -Math.log(1 - next()) * 20); // mean 20 ms
    const h = new LatencyHistogram();
    for (const s of samples) h.recordMs(s);
    const sorted = samples.map((s) => Math.round(s * 1000) / 1000).sort((a, b) => a - b);
    const summary = h.summary();
    for (const [q, got] of [
      [0.5, summary.p50Ms],
      [0.9, summary.p90Ms],
      [0.99, summary.p99Ms],
      [0.999, summary.p999Ms],
    ] as const) {
      const want = exact(sorted, q);
      expect(Math.abs(got - want) / want, `p${q * 100}: ${got} vs ${want}`).toBeLessThan(0.01);
    }
    // The median of an exponential distribution is mean × ln 2.
    expect(summary.p50Ms).toBeGreaterThan(20 * Math.LN2 * 0.97);
    expect(summary.p50Ms).toBeLessThan(20 * Math.LN2 * 1.03);
    expect(summary.maxMs).toBe(sorted[sorted.length - 1]);
    expect(summary.count).toBe(200_000);
  });
  it('is exact below 256 µs, merges, and draws bars that add up to the count', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let us = 1; us <= 100; us++) (us % 2 ? a : b).recordMs(us / 1000);
    a.add(b);
    expect(a.summary()).toMatchObject({ count: 100, minMs: 0.001, p50Ms: 0.05, p90Ms: 0.09, maxMs: 0.1 });
    expect(a.bars(10).reduce((n, bar) => n + bar.count, 0)).toBe(100);
  });
});

describe('expected vs actual line diff', () => {
  it('keeps common lines and marks what only one side has', () => {
    const expected = JSON.stringify({ id: 'A-17', status: 'paid', total: 9.5 }, null, 2);
    const actual = JSON.stringify({ id: 'A-17', status: 'open', total: 9.5 }, null, 2);
    expect(lineDiff(expected, actual).filter((l) => l.op !== 'same')).toEqual([
      { op: 'expected', text: '  "status": "paid",' },
      { op: 'actual', text: '  "status": "open",' },
    ]);
    expect(lineDiff('a\nb', 'a\nb').every((l) => l.op === 'same')).toBe(true);
  });
});
