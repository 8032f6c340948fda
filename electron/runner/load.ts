import { LatencyHistogram } from '../../shared/collections/histogram.js';
import type { LoadReport, LoadRequest } from '../../shared/console-api/types.js';
import type { RunBackend } from './backend.js';
import { prepareCall } from './runner.js';
import { RunError } from './run-error.js';

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_LOAD_MS = 30_000;

export interface LoadOptions {
  id: string;
  /** The report so far, about once a second. */
  onProgress?: (report: LoadReport) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls one saved call from `concurrency` loops until the duration or the call count is reached.
 * Latency goes into an HDR-style histogram. With `rate`, call i is due at start + i/rate and its
 * latency counts from then, not from when a free loop got to send it: a stalled server is charged
 * for the calls it kept waiting (coordinated omission, as wrk2 and ghz handle it).
 */
export async function runLoad(backend: RunBackend, request: LoadRequest, options: LoadOptions): Promise<LoadReport> {
  const call = (await backend.savedCalls()).find((c) => c.name === request.call);
  if (!call) throw new RunError(`no saved call named "${request.call}"`);
  const invokeRequest = await prepareCall(backend, call, request.target, new Map());
  const durationMs = request.durationMs ?? (request.calls === undefined ? DEFAULT_LOAD_MS : Number.POSITIVE_INFINITY);
  const maxCalls = request.calls ?? Number.POSITIVE_INFINITY;
  const histogram = new LatencyHistogram();
  const errors: Record<string, number> = {};
  const throughput: number[] = [];
  const tag = { run: options.id, call: call.name };
  const started = performance.now();
  let issued = 0;
  let done = 0;
  let ok = 0;

  const report = (): LoadReport => {
    const elapsed = performance.now() - started;
    return {
      id: options.id,
      call: call.name,
      calls: done,
      ok,
      errors: { ...errors },
      durationMs: elapsed,
      callsPerSecond: elapsed > 0 ? (done * 1000) / elapsed : 0,
      latency: histogram.summary(),
      histogram: histogram.bars(),
      throughput: [...throughput],
      correctedForCoordinatedOmission: request.rate !== undefined,
    };
  };
  const more = (): boolean =>
    options.signal?.aborted !== true && issued < maxCalls && performance.now() - started < durationMs;

  async function loop(): Promise<void> {
    while (more()) {
      const i = issued++;
      let from = performance.now();
      if (request.rate !== undefined) {
        const due = started + (i * 1000) / request.rate;
        if (due - started >= durationMs) return;
        // Timers may fire a little early: never send before the due time.
        for (let left = due - performance.now(); left > 0; left = due - performance.now())
          await (left >= 1 ? sleep(left) : new Promise<void>((resolve) => setImmediate(resolve)));
        from = due;
      }
      const result = await backend.invoke(invokeRequest, tag);
      const end = performance.now();
      histogram.recordMs(request.rate !== undefined ? end - from : result.latencyMs);
      done++;
      if (result.ok) ok++;
      else errors[String(result.error.code)] = (errors[String(result.error.code)] ?? 0) + 1;
      const second = Math.floor((end - started) / 1000);
      while (throughput.length <= second) throughput.push(0);
      throughput[second]!++;
    }
  }

  const ticker = setInterval(() => options.onProgress?.(report()), 1000);
  try {
    await Promise.all(Array.from({ length: request.concurrency }, loop));
  } finally {
    clearInterval(ticker);
  }
  return report();
}
