import type { InvokeRequest, InvokeResult, JsonValue, RunTag, SavedCall } from '../../shared/console-api/types.js';

/** A push as it reached one of the console's connections. */
export interface ArrivedPush {
  method: string;
  args: JsonValue;
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * What a run needs from the console host: the one engine behind the Run view and tce-run.
 * The host implements it over its connections, feed and workspace (electron/host/run-backend.ts).
 */
export interface RunBackend {
  savedCalls(): Promise<SavedCall[]>;
  /** An environment variable or a secret, for `{{name}}`; undefined when neither has it. */
  variable(name: string): Promise<string | undefined>;
  /** One call; the feed entries of its every hop carry `tag`. */
  invoke(request: InvokeRequest, tag: RunTag): Promise<InvokeResult>;
  /** Pushes reaching the console's connections from now on, until the returned function is called. */
  watchPushes(listener: (push: ArrivedPush) => void): () => void;
}
