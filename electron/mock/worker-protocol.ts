import type { IdlModel } from '../../shared/idl/model.js';
import type { Extra } from '../../shared/wire/message.js';

/** Messages between the mock engine (main thread) and its script worker (script-worker.ts). */

/** Where a push from a handler goes: through the gateway the call came from (its `__mq_return__`), for a user. */
export interface CallRoute {
  /** The mock back end (config.yml section) that served the call. */
  backEnd: string;
  /** The call's `__mq_return__`: the gateway's queue. */
  endpoint: string | undefined;
  userId: string | undefined;
}

export interface ScriptFile {
  path: string;
  /** Changes whenever the file does: a new version is imported afresh. */
  version: string;
}

/** A key of a script's default export, flattened to operations: `module.Interface.operation`. */
export interface HandlerKey {
  /** `module.Interface.operation`. */
  key: string;
  /** How the script wrote it: the operation's key, or `module.Interface` holding an object of operations. */
  writtenAs: string;
}

export interface LoadedScript {
  path: string;
  handlers: HandlerKey[];
  /** Keys whose value is neither a function nor (for `module.Interface`) an object of functions. */
  invalid: { key: string; why: string }[];
  /** The module did not load; `line`/`column` when the error says where. */
  error?: { name: string; message: string; line?: number; column?: number };
}

export type HandlerOutcome =
  | { kind: 'value'; value: unknown }
  /** `ctx.fail(code, reason)`. */
  | { kind: 'fail'; code: number; reason?: string }
  /** The handler threw (or returned a value that cannot leave the worker). */
  | { kind: 'threw'; message: string };

export type ToWorker =
  | { type: 'model'; model: IdlModel }
  | { type: 'load'; files: ScriptFile[] }
  | {
      type: 'call';
      id: number;
      path: string;
      key: string;
      args: Record<string, unknown>;
      extra: Extra;
      userId: string | undefined;
      route: CallRoute;
    }
  /** Ends every ctx.delay() now (the engine is closing: sleeping calls answer at once). */
  | { type: 'wake' }
  | { type: 'ping'; id: number };

export type FromWorker =
  | { type: 'loaded'; scripts: LoadedScript[] }
  | { type: 'done'; id: number; outcome: HandlerOutcome }
  /** A handler asked for ctx.delay(ms): its deadline moves by that much. */
  | { type: 'delay'; id: number; ms: number }
  | {
      type: 'push';
      route: CallRoute;
      userId: string | undefined;
      name: string;
      ifidx: number;
      opidx: number;
      paramsize: number;
      params: Uint8Array;
      extra: Extra;
    }
  | { type: 'pong'; id: number }
  /** Something a script did outside any call went wrong (an uncaught error in a timer, say). */
  | { type: 'log'; line: string };

/** Longest ctx.delay() and override delay: a mock must not park a call for years. */
export const MAX_DELAY_MS = 3_600_000;
