// The worker that runs a project's mock scripts (<project>/mocks/*.mjs) for the mock engine:
// it imports them, runs handlers on request and reports what they answer. See README.md for
// why scripts run here rather than in the engine's thread.
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { resolveOperation, type IdlModel } from '../../shared/idl/model.js';
import { createCodec, type ModelCodec } from '../../shared/wire/codec.js';
import type { Extra } from '../../shared/wire/message.js';
import {
  MAX_DELAY_MS,
  type CallRoute,
  type FromWorker,
  type HandlerOutcome,
  type LoadedScript,
  type ScriptFile,
  type ToWorker,
} from './worker-protocol.js';

type Handler = (args: Record<string, unknown>, ctx: HandlerContext) => unknown;

/** What a handler gets besides its arguments (documented in README.md). */
interface HandlerContext {
  readonly extra: Extra;
  readonly userId: string | undefined;
  readonly state: Record<string, unknown>;
  delay(ms: number): Promise<void>;
  fail(code: number, reason?: string): never;
  push(
    method: string,
    args: readonly unknown[] | Record<string, unknown>,
    options?: { userId?: string | number; extra?: Extra },
  ): void;
}

/** What ctx.fail throws: the call is answered with this TCE error code. */
class Failure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string | undefined,
  ) {
    super(`failed with error ${code}${reason === undefined ? '' : `: ${reason}`}`);
  }
}

const port = parentPort;
if (!port) throw new Error('script-worker.ts runs as a worker thread of the mock engine');
const post = (message: FromWorker): void => port.postMessage(message);

let model: IdlModel | undefined;
let codec: ModelCodec | undefined;
const scripts = new Map<string, Map<string, Handler>>();
/** `state` of each back end, for the life of this worker. */
const states = new Map<string, Record<string, unknown>>();
const sleepers = new Set<() => void>();

process.on('uncaughtException', (error) =>
  post({ type: 'log', line: `a mock script threw outside a call: ${describe(error)}` }),
);
process.on('unhandledRejection', (reason) =>
  post({ type: 'log', line: `a mock script left a promise rejected: ${describe(reason)}` }),
);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'model':
      model = message.model;
      codec = createCodec(model);
      break;
    case 'load':
      void load(message.files).then((loaded) => post({ type: 'loaded', scripts: loaded }));
      break;
    case 'call':
      void call(message).then((outcome) => {
        try {
          post({ type: 'done', id: message.id, outcome });
        } catch (error) {
          // Functions, symbols and the like cannot leave the worker.
          post({
            type: 'done',
            id: message.id,
            outcome: {
              kind: 'threw',
              message: `returned a value that cannot be sent as an answer (${describe(error)})`,
            },
          });
        }
      });
      break;
    case 'wake':
      for (const wake of [...sleepers]) wake();
      break;
    case 'ping':
      post({ type: 'pong', id: message.id });
      break;
  }
});

async function load(files: ScriptFile[]): Promise<LoadedScript[]> {
  scripts.clear();
  const out: LoadedScript[] = [];
  for (const file of files) {
    const loaded: LoadedScript = { path: file.path, handlers: [], invalid: [] };
    out.push(loaded);
    let exported: unknown;
    try {
      // A new query string per version: the module is evaluated afresh, the old one is left behind.
      const module = (await import(`${pathToFileURL(file.path).href}?v=${encodeURIComponent(file.version)}`)) as {
        default?: unknown;
      };
      exported = module.default;
    } catch (error) {
      loaded.error = {
        name: error instanceof Error ? error.name : 'Error',
        message: describe(error),
        ...where(error, file.path),
      };
      continue;
    }
    if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
      loaded.error = {
        name: 'Error',
        message: `its default export is ${exported === undefined ? 'missing' : describeKind(exported)}: expected export default { 'module.Interface.operation': (args, ctx) => value }`,
      };
      continue;
    }
    const handlers = new Map<string, Handler>();
    for (const [key, value] of Object.entries(exported)) {
      if (typeof value === 'function') {
        handlers.set(key, value as Handler);
        loaded.handlers.push({ key, writtenAs: key });
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [op, fn] of Object.entries(value as Record<string, unknown>)) {
          if (typeof fn === 'function') {
            handlers.set(`${key}.${op}`, fn as Handler);
            loaded.handlers.push({ key: `${key}.${op}`, writtenAs: key });
          } else loaded.invalid.push({ key: `${key}.${op}`, why: `is ${describeKind(fn)}, not a handler function` });
        }
      } else
        loaded.invalid.push({ key, why: `is ${describeKind(value)}, not a handler function or an object of them` });
    }
    scripts.set(file.path, handlers);
  }
  return out;
}

async function call(message: Extract<ToWorker, { type: 'call' }>): Promise<HandlerOutcome> {
  const handler = scripts.get(message.path)?.get(message.key);
  if (!handler)
    return { kind: 'threw', message: `${message.key} has no handler in ${message.path} any more (reloaded)` };
  let state = states.get(message.route.backEnd);
  if (!state) states.set(message.route.backEnd, (state = {}));
  const ctx: HandlerContext = {
    extra: message.extra,
    userId: message.userId,
    state,
    delay: (ms) => delay(message.id, ms),
    fail: (code, reason) => {
      throw new Failure(code, reason);
    },
    push: (method, args, options = {}) => push(message.route, method, args, options),
  };
  try {
    return { kind: 'value', value: await handler(message.args, ctx) };
  } catch (error) {
    if (error instanceof Failure) {
      if (!Number.isInteger(error.code) || error.code < 1 || error.code > 0x7fffffff)
        return { kind: 'threw', message: `ctx.fail(${String(error.code)}): the code must be a whole number from 1` };
      return { kind: 'fail', code: error.code, reason: error.reason };
    }
    return { kind: 'threw', message: describe(error) };
  }
}

function delay(id: number, ms: number): Promise<void> {
  const wait = Math.min(Math.max(Number.isFinite(ms) ? ms : 0, 0), MAX_DELAY_MS);
  post({ type: 'delay', id, ms: wait });
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      sleepers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, wait);
    sleepers.add(wake);
  });
}

/** Encodes here, so a wrong method or argument throws in the handler that pushed. */
function push(
  route: CallRoute,
  method: string,
  args: readonly unknown[] | Record<string, unknown>,
  options: { userId?: string | number; extra?: Extra },
): void {
  if (!model || !codec) throw new Error('ctx.push: the project has no IDL model');
  const dot = method.lastIndexOf('.');
  const resolved = dot > 0 ? resolveOperation(model, method.slice(0, dot), method.slice(dot + 1)) : undefined;
  if (!resolved)
    throw new Error(
      `ctx.push('${method}'): no such operation; give module.Interface.operation, e.g. test.ITerminal.onMessage`,
    );
  const { iface, op, ifidx } = resolved;
  const params = codec.encodeParams(op, args);
  const userId = options.userId === undefined ? route.userId : String(options.userId);
  post({
    type: 'push',
    route,
    userId,
    name: `${iface.qname}.${op.name}`,
    ifidx,
    opidx: op.index,
    paramsize: op.params.length,
    params,
    extra: { ...options.extra },
  });
}

/** file:line:col of a load error that happened while the module ran (syntax errors carry none; the engine asks `node --check`). */
function where(error: unknown, path: string): { line?: number; column?: number } {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const url = pathToFileURL(path).href;
  for (const line of stack.split('\n')) {
    const at = line.indexOf(url);
    if (at < 0) continue;
    const found = /^(?:\?v=[^:]*)?:(\d+):(\d+)/.exec(line.slice(at + url.length));
    if (found) return { line: Number(found[1]), column: Number(found[2]) };
  }
  return {};
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'string' ? error : describeKind(error);
}

function describeKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return `${typeof v} ${String(v)}`;
  return typeof v;
}
