import { ConsoleError } from '../../shared/console-api/api.js';
import type { InvokeRequest, InvokeResult, JsonValue, RpcFailure } from '../../shared/console-api/types.js';
import { allOperations, resolveOperation, type IdlModel, type ResolvedOperation } from '../../shared/idl/model.js';
import type { OutgoingCall } from '../../shared/rpc/call.js';
import { ErrorCode, RpcError, errorCodeName } from '../../shared/rpc/errors.js';
import { DEFAULT_CALL_TIMEOUT } from '../../shared/rpc/pending.js';
import { argsProblems } from '../../shared/wire/args-problems.js';
import type { ModelCodec } from '../../shared/wire/codec.js';
import { toJsonValue } from '../../shared/wire/json-value.js';
import { HEADER_SIZE, type Extra, type RpcMessage } from '../../shared/wire/message.js';
import type { ConsoleLink } from './connections/link.js';
import { messageOf } from '../../shared/message-of.js';

const failure = (code: number, reason: string): RpcFailure => ({ code, codeName: errorCodeName(code), reason });

/** resolveOperation, or a `not-found` ConsoleError that lists what the model has. */
function requireOperation(model: IdlModel, qname: string, method: string): ResolvedOperation {
  const resolved = resolveOperation(model, qname, method);
  if (resolved) return resolved;
  const iface = model.interfaces[qname];
  if (!iface) {
    const known = Object.keys(model.interfaces).sort();
    throw new ConsoleError(
      'not-found',
      `the project's IDL has no interface ${qname}${known.length ? ` (it has ${known.join(', ')})` : ''}`,
    );
  }
  const ops = allOperations(model, iface);
  throw new ConsoleError(
    'not-found',
    `${qname} has no operation ${method} (it has ${ops.map((o) => o.name).join(', ') || 'none'})`,
  );
}

/** Bytes of an RpcMessage's extra: count, then length-prefixed UTF-8 keys and values (spec §1.6). */
function extraSize(extra: Extra): number {
  let size = 4;
  for (const key in extra) size += 8 + Buffer.byteLength(key) + Buffer.byteLength(extra[key]!);
  return size;
}

const messageSize = (m: RpcMessage): number => HEADER_SIZE + extraSize(m.extra) + m.params.length;

/** What a caller may add to a call: a way to stop waiting, and where a reply that comes anyway goes. */
export interface InvokeOptions {
  signal?: AbortSignal;
  /** A reply (or an error RETURN) that arrived after the call was cancelled, as its result would have been. */
  late?: (result: InvokeResult) => void;
  /** Wraps the sending (synchronous) of the call: runs tag its feed entries so. */
  around?: <T>(send: () => T) => T;
}

/** Error codes that only a reply carries (anything else is local: timeout, lost connection). */
const ANSWERED = new Set<number>([
  ErrorCode.INTERFACE_NOTFOUND,
  ErrorCode.REMOTEMETHOD_EXCEPTION,
  ErrorCode.UNSERIALIZE_FAILED,
  ErrorCode.REMOTE_EXCEPTION,
]);

const CANCELLED = Symbol('cancelled');
const cancellation = (signal: AbortSignal | undefined): Promise<typeof CANCELLED> =>
  new Promise((resolve) => {
    if (signal?.aborted) resolve(CANCELLED);
    else signal?.addEventListener('abort', () => resolve(CANCELLED), { once: true });
  });

/**
 * Makes one call described by an InvokeRequest on a link: encodes the JSON args with the
 * model's codec, sends in the requested mode, and reports the outcome as data — the TCE
 * error, the wire sequence, latency and sizes. Refuses before sending what cannot be right:
 * arguments that do not fit the IDL (every problem listed), and one-way calls of operations
 * that return a value. A cancelled call resolves at once; its reply, if one still comes, goes to `late`.
 */
export async function invoke(
  request: InvokeRequest,
  model: IdlModel,
  codec: ModelCodec,
  link: () => ConsoleLink,
  options: InvokeOptions = {},
): Promise<InvokeResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 1000) / 1000;
  const { op, ifidx } = requireOperation(model, request.interface, request.method);
  if (request.mode === 'oneway' && op.returns.kind !== 'void') {
    return {
      ok: false,
      error: failure(
        ErrorCode.SENDFAILED,
        `${request.interface}.${request.method} returns a value, so it cannot be called one-way: use two-way or async`,
      ),
      latencyMs: elapsed(),
    };
  }
  let params: Uint8Array;
  try {
    params = codec.encodeParams(op, argsOf(request.args));
  } catch (error) {
    const problems = argsProblems(model, codec, op, request.args);
    return {
      ok: false,
      error: failure(
        ErrorCode.SENDFAILED,
        `the arguments do not fit ${request.interface}.${request.method}: ${messageOf(error)}`,
      ),
      latencyMs: 0,
      problems: problems.length > 0 ? problems : [{ path: '', message: messageOf(error) }],
    };
  }
  const call: OutgoingCall = {
    ifidx,
    opidx: op.index,
    paramsize: op.params.length,
    params,
    mode: request.mode,
    extra: request.extra,
    timeout: request.mode === 'oneway' ? undefined : (request.timeoutMs ?? DEFAULT_CALL_TIMEOUT),
  };

  let sent: { sequence: number; size: number } | undefined;
  const cancelled = (): InvokeResult => ({
    ok: false,
    cancelled: true,
    error: { code: 0, codeName: 'CANCELLED', reason: 'cancelled: the console stopped waiting for the reply' },
    sequence: sent?.sequence,
    latencyMs: elapsed(),
    requestSize: sent?.size,
  });
  const failed = (error: unknown): InvokeResult => {
    if (error instanceof ConsoleError) throw error;
    const rpc = error instanceof RpcError ? error : new RpcError(ErrorCode.INTERNAL_EXCEPTION, messageOf(error));
    return {
      ok: false,
      error: failure(rpc.code, rpc.message),
      sequence: sent?.sequence,
      latencyMs: elapsed(),
      requestSize: sent?.size,
    };
  };
  const stop = cancellation(options.signal);
  const around = options.around ?? (<T>(send: () => T): T => send());
  try {
    const l = link();
    const target = await Promise.race([l.ready(), stop]);
    if (target === CANCELLED) return cancelled();
    // The link records what it sends synchronously: a new lastSent is this call's.
    const before = l.lastSent;
    const justSent = () => (l.lastSent !== before ? l.lastSent : undefined);
    if (request.mode === 'oneway') {
      around(() => target.send(call));
      sent = justSent();
      return {
        ok: true,
        value: null,
        extra: {},
        sequence: sent?.sequence ?? 0,
        latencyMs: elapsed(),
        requestSize: sent?.size ?? 0,
        responseSize: 0,
      };
    }
    const reply = around(() => target.call(call));
    sent = justSent();
    const outcome = reply.then((answer) => answered(answer), failed);
    const first = await Promise.race([outcome, stop]);
    if (first !== CANCELLED) return first;
    void outcome.then(
      (late) => (late.ok || ANSWERED.has(late.error.code) ? options.late?.(late) : undefined),
      () => undefined,
    );
    return cancelled();
  } catch (error) {
    return failed(error);
  }

  function answered(answer: RpcMessage): InvokeResult {
    let value: JsonValue;
    try {
      value = toJsonValue(codec.decodeResult(op, answer.params));
    } catch (error) {
      return {
        ok: false,
        error: failure(
          ErrorCode.UNSERIALIZE_FAILED,
          `the reply does not decode as ${request.interface}.${request.method}'s result: ${messageOf(error)}`,
        ),
        sequence: answer.sequence,
        latencyMs: elapsed(),
        requestSize: sent?.size,
      };
    }
    return {
      ok: true,
      value,
      extra: answer.extra,
      sequence: answer.sequence,
      latencyMs: elapsed(),
      requestSize: sent?.size ?? 0,
      responseSize: messageSize(answer),
    };
  }
}

/** Positional args as an array, named ones as an object; a single non-container value is the one parameter. */
function argsOf(args: JsonValue): readonly unknown[] | Readonly<Record<string, unknown>> {
  if (Array.isArray(args)) return args;
  if (args !== null && typeof args === 'object') return args;
  return args === null ? [] : [args];
}
