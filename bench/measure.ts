// The measurement every round-trip benchmark shares, so their numbers compare.
import { performance } from 'node:perf_hooks';
import type { BenchRow } from './types.js';

/** Calls kept outstanding in the "in flight" rows. */
export const IN_FLIGHT = 64;

export interface Measurement {
  callsPerSecond: number;
  /** µs */
  p50: number;
  /** µs */
  p99: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `concurrency` loops of `call` for `measureMs` after a warm-up, from a clean heap. */
export async function measure(call: () => Promise<unknown>, concurrency: number, { warmupMs = 300, measureMs = 1_500 } = {}): Promise<Measurement> {
  // `npm run bench` runs node with --expose-gc.
  (globalThis as { gc?: () => void }).gc?.();
  let recording = false;
  let stop = false;
  const latencies: number[] = [];
  const loop = async (): Promise<void> => {
    while (!stop) {
      const t0 = performance.now();
      await call();
      if (recording) latencies.push(performance.now() - t0);
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
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 1000);
  return { callsPerSecond: Math.round((latencies.length / elapsed) * 1000), p50: at(0.5), p99: at(0.99) };
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
export async function measurePair(call: () => Promise<unknown>, options?: { warmupMs?: number; measureMs?: number }): Promise<Pair> {
  await call();
  return [await measure(call, 1, options), await measure(call, IN_FLIGHT, options)];
}

/** Per mode, the run with the most calls/s: other load on the machine should not decide a result. */
export const bestPair = (pairs: Pair[]): Pair =>
  [0, 1].map((i) => pairs.map((p) => p[i]!).reduce((a, b) => (b.callsPerSecond > a.callsPerSecond ? b : a))) as Pair;

export const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** calls/s, p50 and p99 of both modes. */
export function pairRows(label: string, [seq, par]: Pair): BenchRow[] {
  return [
    { name: `${label}, sequential`, value: seq.callsPerSecond, unit: 'calls/s' },
    { name: `${label}, sequential p50`, value: seq.p50, unit: 'µs' },
    { name: `${label}, sequential p99`, value: seq.p99, unit: 'µs' },
    { name: `${label}, ${IN_FLIGHT} in flight`, value: par.callsPerSecond, unit: 'calls/s' },
    { name: `${label}, ${IN_FLIGHT} in flight p50`, value: par.p50, unit: 'µs' },
    { name: `${label}, ${IN_FLIGHT} in flight p99`, value: par.p99, unit: 'µs' },
  ];
}
