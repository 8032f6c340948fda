// Runs the JavaScript assertions of saved calls (`{"kind": "script"}`) for the runner, in a
// worker thread for the reason mock scripts run in one (electron/mock/README.md): a loop that
// never ends is stopped by terminating the worker, and the runner's thread is never blocked.
import { parentPort } from 'node:worker_threads';
import type { AssertRequest, AssertVerdict } from './assert-protocol.js';

const port = parentPort;
if (!port) throw new Error('assert-worker.ts runs as a worker thread of the runner');

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

port.on('message', (request: AssertRequest) => {
  void check(request).then((verdict) => port.postMessage({ id: request.id, ...verdict }));
});

async function check({ source, context }: AssertRequest): Promise<AssertVerdict> {
  try {
    const names = ['result', 'error', 'pushes', 'extra', 'latencyMs', 'variables'] as const;
    // The assertion is the body of a function of the documented names, nothing else in scope but globals.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the user's assertion is the point
    const fn = new Function(...names, `"use strict";\n${source}`) as (...args: unknown[]) => unknown;
    const value = await fn(...names.map((n) => context[n]));
    return value === false
      ? { pass: false, message: 'the script returned false' }
      : { pass: true, message: 'the script passed' };
  } catch (error) {
    return { pass: false, message: `the script threw ${describe(error)}` };
  }
}
