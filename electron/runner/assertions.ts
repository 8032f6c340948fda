import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScriptContext } from '../../shared/collections/evaluate.js';
import type { AssertReply, AssertRequest, AssertVerdict } from './assert-protocol.js';
import { messageOf } from '../../shared/message-of.js';

/** How long one assertion may run before its worker is terminated. */
export const ASSERT_DEADLINE_MS = 2000;

/**
 * Runs JavaScript assertions one at a time in a worker thread (started on first use). An
 * assertion past its deadline fails, and the worker is terminated and started afresh for the next.
 */
export class Assertions {
  private worker: Worker | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deadlineMs = ASSERT_DEADLINE_MS) {}

  readonly run = (source: string, context: ScriptContext): Promise<AssertVerdict> => {
    const next = this.queue.then(() => this.one(source, context));
    this.queue = next.catch(() => undefined);
    return next;
  };

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private async one(source: string, context: ScriptContext): Promise<AssertVerdict> {
    if (!this.worker) {
      const fresh = new Worker(workerFile());
      // The deadline is the script's: a worker slow to start on a busy machine does not count.
      await new Promise<void>((resolve, reject) => {
        fresh.once('online', resolve);
        fresh.once('error', reject);
      }).catch((error: unknown) => {
        throw new Error(`the assertion worker did not start: ${messageOf(error)}`);
      });
      // An idle worker must not keep a finishing process (tce-run) alive.
      fresh.unref();
      this.worker = fresh;
    }
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<AssertVerdict>((resolve) => {
      const done = (verdict: AssertVerdict): void => {
        clearTimeout(timer);
        worker.off('message', reply);
        worker.off('error', failed);
        resolve(verdict);
      };
      const reply = (message: AssertReply): void => {
        if (message.id === id) done({ pass: message.pass, message: message.message });
      };
      const failed = (error: Error): void => {
        this.worker = undefined;
        done({ pass: false, message: `the script's worker failed: ${error.message}` });
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done({ pass: false, message: `the script did not finish within ${this.deadlineMs} ms (stopped)` });
      }, this.deadlineMs);
      worker.on('message', reply);
      worker.on('error', failed);
      try {
        worker.postMessage({ id, source, context } satisfies AssertRequest);
      } catch (error) {
        done({ pass: false, message: `the script's values cannot be sent to it: ${messageOf(error)}` });
      }
    });
  }
}

/** The built worker beside this module, or (running from TypeScript sources, as tests do) the build's copy. */
function workerFile(): URL {
  for (const candidate of ['./assert-worker.js', '../../dist/electron/runner/assert-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return url;
  }
  const built = new URL('../../dist/electron/runner/assert-worker.js', import.meta.url);
  throw new Error(`the assertion worker is not built (${fileURLToPath(built)} is missing): run npm run build`);
}
