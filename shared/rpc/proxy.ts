import { ByteWriter } from '../wire/bytes.js';
import type { RpcMessage } from '../wire/message.js';
import {
  decodeResult,
  type CallOptions,
  type CallTarget,
  type OnewayOptions,
  type ParamEncoder,
  type ResultDecoder,
} from './call.js';

export type { ParamEncoder, ResultDecoder } from './call.js';

export const NO_PARAMS: ParamEncoder = () => {};

/** Encoders run synchronously and calls copy what they wrote, so all proxies share one writer. */
let scratch = new ByteWriter(1024);
/** A writer grown past this by one large call is replaced, so it doesn't pin the memory. */
const KEEP_SCRATCH = 64 * 1024;

function encodeParams(encode: ParamEncoder): Uint8Array {
  scratch.reset();
  encode(scratch);
  const params = scratch.finish();
  if (params.length > KEEP_SCRATCH) scratch = new ByteWriter(1024);
  return params;
}

const ignoreResult = (): undefined => undefined;

/**
 * A two-way or async call through any CallTarget's `call`: parameters encoded into owned bytes,
 * the RETURN decoded once it is there. A `.then` chain, not async/await: it saves a promise per call.
 */
export function callThrough<R>(
  target: CallTarget,
  ifidx: number,
  opidx: number,
  paramsize: number,
  encode: ParamEncoder,
  decode: ResultDecoder<R> | null,
  options?: CallOptions,
): Promise<R> {
  let reply: Promise<RpcMessage>;
  try {
    reply = target.call({
      ifidx,
      opidx,
      paramsize,
      params: encodeParams(encode),
      mode: options?.mode ?? 'twoway',
      extra: options?.extra,
      timeout: options?.timeout,
    });
  } catch (e) {
    return Promise.reject(e);
  }
  return reply.then(decode ? (m) => decodeResult(decode, m.params, 0, m.params.length) : ignoreResult) as Promise<R>;
}

/** A one-way call through any CallTarget's `send`. */
export function sendThrough(
  target: CallTarget,
  ifidx: number,
  opidx: number,
  paramsize: number,
  encode: ParamEncoder,
  options?: OnewayOptions,
): void {
  target.send({ ifidx, opidx, paramsize, params: encodeParams(encode), mode: 'oneway', extra: options?.extra });
}

/**
 * Base of every generated proxy. A proxy is a typed face over a CallTarget; several proxies
 * of different interfaces may share one (the original's `createWithProxy`): `new BProxy(a.target)`.
 * Targets that take calls whole (CallTarget.invoke: connections) get them that way.
 */
export abstract class Proxy {
  constructor(readonly target: CallTarget) {}

  /** Sends a two-way or async call. */
  protected invoke<R>(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    decode: ResultDecoder<R> | null,
    options?: CallOptions,
  ): Promise<R> {
    const target = this.target;
    return target.invoke
      ? target.invoke(ifidx, opidx, paramsize, encode, decode, options)
      : callThrough(target, ifidx, opidx, paramsize, encode, decode, options);
  }

  protected invokeOneway(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    options?: OnewayOptions,
  ): void {
    const target = this.target;
    if (target.invokeOneway) target.invokeOneway(ifidx, opidx, paramsize, encode, options);
    else sendThrough(target, ifidx, opidx, paramsize, encode, options);
  }
}
