// The one measurement every benchmark shares: contenders take turns for ROUNDS rounds (ours,
// peer, ours, peer …), every round gives one ratio, and a row shows the median with its min–max.
// Other load on the machine then hits both sides of a ratio alike, and one bad moment moves no
// median.
import { performance } from 'node:perf_hooks';
import type { BenchRow, Range, Target } from './types.js';

/** Calls kept outstanding in the "in flight" rows. */
export const IN_FLIGHT = 64;
/** Rounds per benchmark: each ratio is the median of this many. */
export const ROUNDS = 5;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** `npm run bench` runs node with --expose-gc: one contender's garbage is not collected on the next one's time. */
export const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Runs every contender once per round, in the order given, for `rounds` rounds: a, b, a, b …
 * Returns each contender's results, one per round, in round order.
 */
export async function alternate<C extends Record<string, () => unknown>>(
  contenders: C,
  rounds = ROUNDS,
): Promise<{ [K in keyof C]: Awaited<ReturnType<C[K]>>[] }> {
  const results: Record<string, unknown[]> = {};
  for (const k of Object.keys(contenders)) results[k] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [k, run] of Object.entries(contenders)) {
      collectGarbage();
      results[k]!.push(await run());
    }
  }
  return results as { [K in keyof C]: Awaited<ReturnType<C[K]>>[] };
}

/** Calls per second of a synchronous fn, run for about `ms` after a warm-up of half that, `batch` calls between clock reads. */
export function rate(fn: () => unknown, ms: number, batch = 1000): number {
  const run = (until: number): number => {
    let n = 0;
    do {
      for (let i = 0; i < batch; i++) fn();
      n += batch;
    } while (performance.now() < until);
    return n;
  };
  run(performance.now() + ms / 2);
  const start = performance.now();
  const n = run(start + ms);
  return (n * 1000) / (performance.now() - start);
}

/** Synchronous contenders in alternating rounds: calls per second of each, one per round. */
export function alternateRates<K extends string>(
  fns: Record<K, () => unknown>,
  ms: number,
  batch?: number,
): Promise<Record<K, number[]>> {
  const timed = Object.fromEntries(
    Object.entries(fns).map(([k, fn]) => [k, () => rate(fn as () => unknown, ms, batch)]),
  );
  return alternate(timed as Record<K, () => number>);
}

export interface Measurement {
  callsPerSecond: number;
  /** µs */
  p50: number;
  /** µs */
  p99: number;
}

/** Latencies measure() has room for before it grows its buffer: a second of the fastest in-flight rows. */
const RECORD_CAPACITY = 1 << 20;

/** Runs `concurrency` loops of `call` for `measureMs` after a warm-up, from a clean heap. */
export async function measure(
  call: () => Promise<unknown>,
  concurrency: number,
  { warmupMs = 300, measureMs = 1_500 } = {},
): Promise<Measurement> {
  // Latencies go into an off-heap buffer, doubled when full: a growing number[] was megabytes of
  // old-generation garbage per second measured, which set off incremental marking of this
  // process's heap — with steps of up to 56 ms — in the middle of later measurements.
  let recorded = new Float64Array(RECORD_CAPACITY);
  let n = 0;
  collectGarbage();
  let recording = false;
  let stop = false;
  const loop = async (): Promise<void> => {
    while (!stop) {
      const t0 = performance.now();
      await call();
      if (!recording) continue;
      if (n === recorded.length) {
        const larger = new Float64Array(2 * n);
        larger.set(recorded);
        recorded = larger;
      }
      recorded[n++] = performance.now() - t0;
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await sleep(warmupMs);
  recording = true;
  const started = performance.now();
  await sleep(measureMs);
  recording = false;
  const elapsed = performance.now() - started;
  stop = true;
  await Promise.all(loops);
  const latencies = recorded.subarray(0, n).sort();
  const at = (q: number): number => Math.round(latencies[Math.min(n - 1, Math.floor(q * n))]! * 1000);
  return { callsPerSecond: Math.round((n / elapsed) * 1000), p50: at(0.5), p99: at(0.99) };
}

/** Matches replies to waiting calls in order: echo peers answer in request order. */
export class FifoReplies {
  private waiting: (() => void)[] = [];
  private head = 0;

  next(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  settle(): void {
    if (this.head === this.waiting.length) return; // a stray reply, e.g. from an earlier run
    this.waiting[this.head++]!();
    if (this.head > 1024) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }
}

/** A round trip measured one call at a time, then IN_FLIGHT at a time. */
export type Pair = [sequential: Measurement, inFlight: Measurement];

/** One warm-up call, then both modes. */
export async function measurePair(
  call: () => Promise<unknown>,
  options?: { warmupMs?: number; measureMs?: number },
): Promise<Pair> {
  await call();
  return [await measure(call, 1, options), await measure(call, IN_FLIGHT, options)];
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const range = (values: number[]): Range => [Math.min(...values), Math.max(...values)];

/** a[i] / b[i] per round. */
export const ratios = (a: number[], b: number[]): number[] => a.map((x, i) => x / b[i]!);

/** A goal in words and numbers, spread into a row. */
export type Goal = Pick<BenchRow, 'goal' | 'target'>;

const number = (x: number): string => x.toLocaleString('en-US');
const goalOf = (target: Target, goal: string): Goal => ({ goal, target });
export const goals = {
  /** ≥ x× the reference. */
  ratioAtLeast: (x: number, reference: string): Goal => goalOf({ of: 'ratio', atLeast: x }, `≥ ${x}× ${reference}`),
  atLeast: (x: number, unit: string, what = ''): Goal =>
    goalOf({ of: 'value', atLeast: x }, `≥ ${number(x)} ${unit}${what}`),
  atMost: (x: number, unit: string, what = ''): Goal =>
    goalOf({ of: 'value', atMost: x }, `≤ ${number(x)} ${unit}${what}`),
};

/**
 * A row from one value per round: median and min–max, and the median of the per-round
 * ratios if given. A single value is a single measurement (no range).
 */
export function row(
  name: string,
  unit: string,
  values: number[],
  options: { ratios?: number[] } & Goal = {},
): BenchRow {
  const { ratios: r, ...goal } = options;
  return {
    name,
    value: median(values),
    unit,
    ...(values.length > 1 ? { range: range(values) } : {}),
    ...(r ? { ratio: median(r), ...(r.length > 1 ? { ratioRange: range(r) } : {}) } : {}),
    ...goal,
  };
}

type Mode = 'sequential' | 'inFlight';
const MODES: Mode[] = ['sequential', 'inFlight'];
const modeIndex = (mode: Mode): 0 | 1 => (mode === 'sequential' ? 0 : 1);
const modeName = (mode: Mode): string => (mode === 'sequential' ? 'sequential' : `${IN_FLIGHT} in flight`);

/**
 * calls/s of `ours` against a reference measured in the same rounds, in one mode: the ratio is
 * per round. `atLeast`: the goal, as a multiple of the reference.
 */
export function versusRow(
  label: string,
  mode: Mode,
  ours: Pair[],
  reference: { name: string; pairs: Pair[] },
  atLeast?: number,
): BenchRow {
  const calls = (pairs: Pair[]): number[] => pairs.map((p) => p[modeIndex(mode)].callsPerSecond);
  const goal = atLeast === undefined ? {} : goals.ratioAtLeast(atLeast, reference.name);
  return row(`${label}, ${modeName(mode)}, vs ${reference.name}`, 'calls/s', calls(ours), {
    ratios: ratios(calls(ours), calls(reference.pairs)),
    ...goal,
  });
}

/** calls/s, p50 and p99 of both modes over the rounds; `p99` goals for the in-flight p99 row. */
export function pairRows(label: string, pairs: Pair[], p99: Goal = {}): BenchRow[] {
  return MODES.flatMap((mode) => {
    const of = (pick: (m: Measurement) => number): number[] => pairs.map((p) => pick(p[modeIndex(mode)]));
    return [
      row(
        `${label}, ${modeName(mode)}`,
        'calls/s',
        of((m) => m.callsPerSecond),
      ),
      row(
        `${label}, ${modeName(mode)} p50`,
        'µs',
        of((m) => m.p50),
      ),
      row(
        `${label}, ${modeName(mode)} p99`,
        'µs',
        of((m) => m.p99),
        mode === 'inFlight' ? p99 : {},
      ),
    ];
  });
}
