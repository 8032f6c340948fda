import { ConsoleError } from '../../shared/console-api/api.js';
import type { InvokeRequest, InvokeResult, JsonValue, RpcFailure } from '../../shared/console-api/types.js';
import { allOperations, resolveOperation, type IdlModel, type ResolvedOperation } from '../../shared/idl/model.js';
import type { OutgoingCall } from '../../shared/rpc/call.js';
import { ErrorCode, RpcError, errorCodeName } from '../../shared/rpc/errors.js';
import { DEFAULT_CALL_TIMEOUT } from '../../shared/rpc/pending.js';
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

/**
 * Makes one call described by an InvokeRequest on a link: encodes the JSON args with the
 * model's codec, sends in the requested mode, and reports the outcome as data — the TCE
 * error, the wire sequence, latency and sizes. Refuses before sending what cannot be right:
 * arguments that do not fit the IDL, and one-way calls of operations that return a value.
 */
export async function invoke(
  request: InvokeRequest,
  model: IdlModel,
  codec: ModelCodec,
  link: () => ConsoleLink,
  /** Wraps the sending (synchronous) of the call: runs tag its feed entries so. */
  around: <T>(send: () => T) => T = (send) => send(),
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
    return {
      ok: false,
      error: failure(
        ErrorCode.SENDFAILED,
        `the arguments do not fit ${request.interface}.${request.method}: ${messageOf(error)}`,
      ),
      latencyMs: elapsed(),
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
  try {
    const l = link();
    const target = await l.ready();
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
    const answer = await reply;
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
  } catch (error) {
    if (error instanceof ConsoleError) throw error;
    const rpc = error instanceof RpcError ? error : new RpcError(ErrorCode.INTERNAL_EXCEPTION, messageOf(error));
    return {
      ok: false,
      error: failure(rpc.code, rpc.message),
      sequence: sent?.sequence,
      latencyMs: elapsed(),
      requestSize: sent?.size,
    };
  }
}

/** Positional args as an array, named ones as an object; a single non-container value is the one parameter. */
function argsOf(args: JsonValue): readonly unknown[] | Readonly<Record<string, unknown>> {
  if (Array.isArray(args)) return args;
  if (args !== null && typeof args === 'object') return args;
  return args === null ? [] : [args];
}
