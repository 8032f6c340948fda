import { ConsoleError } from '../../shared/console-api/api.js';
import type { LoadRequest, RunEvent, RunRequest } from '../../shared/console-api/types.js';
import { Assertions } from './assertions.js';
import type { RunBackend } from './backend.js';
import { runLoad } from './load.js';
import { planRun } from './plan.js';
import { runCollection } from './runner.js';
import { messageOf } from '../../shared/message-of.js';

const MAX_RUNS = 8;

/** The console's runs in progress: started by `runs.start` / `runs.load`, reported as `runs.event`s. */
export class Runs {
  private readonly active = new Map<string, AbortController>();
  private readonly assertions = new Assertions();
  private next = 1;

  constructor(private readonly emit: (event: RunEvent) => void) {}

  async start(backend: RunBackend, request: RunRequest): Promise<{ runId: string }> {
    const { unknown } = planRun(await backend.savedCalls(), request.selection);
    if (unknown.length > 0)
      throw new ConsoleError('not-found', `no saved call or folder named ${unknown.map((u) => `"${u}"`).join(', ')}`);
    return this.launch('run', async (runId, signal) => {
      const report = await runCollection(backend, request, {
        id: runId,
        assertions: this.assertions,
        signal,
        onCall: (call) => this.emit({ kind: 'call', runId, call }),
      });
      this.emit({ kind: 'done', runId, report });
    });
  }

  async load(backend: RunBackend, request: LoadRequest): Promise<{ runId: string }> {
    if (!(await backend.savedCalls()).some((c) => c.name === request.call))
      throw new ConsoleError('not-found', `no saved call named "${request.call}"`);
    return this.launch('load', async (runId, signal) => {
      const report = await runLoad(backend, request, {
        id: runId,
        signal,
        onProgress: (progress) => this.emit({ kind: 'load-progress', runId, report: progress }),
      });
      this.emit({ kind: 'load-done', runId, report });
    });
  }

  cancel(runId: string): void {
    const run = this.active.get(runId);
    if (!run) throw new ConsoleError('not-found', `no run ${runId} in progress`);
    run.abort();
  }

  async close(): Promise<void> {
    for (const run of this.active.values()) run.abort();
    await this.assertions.close();
  }

  private launch(kind: string, body: (runId: string, signal: AbortSignal) => Promise<void>): { runId: string } {
    if (this.active.size >= MAX_RUNS)
      throw new ConsoleError('invalid-params', `${MAX_RUNS} runs are in progress already: wait for one or stop it`);
    const runId = `${kind}-${this.next++}`;
    const controller = new AbortController();
    this.active.set(runId, controller);
    void body(runId, controller.signal)
      .catch((error: unknown) => this.emit({ kind: 'failed', runId, message: messageOf(error) }))
      .finally(() => this.active.delete(runId));
    return { runId };
  }
}
