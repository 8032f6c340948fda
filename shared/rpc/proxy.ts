import { ByteReader, ByteWriter } from '../wire/bytes.js';
import type { RpcMessage } from '../wire/message.js';
import type { CallOptions, CallTarget, OnewayOptions } from './call.js';
import { ErrorCode, RpcError } from './errors.js';

export type ParamEncoder = (w: ByteWriter) => void;
export type ResultDecoder<R> = (r: ByteReader) => R;

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

function decodeResult<R>(reply: RpcMessage, decode: ResultDecoder<R>): R {
  try {
    return decode(new ByteReader(reply.params));
  } catch (e) {
    throw new RpcError(ErrorCode.UNSERIALIZE_FAILED, `reply could not be decoded: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Base of every generated proxy. A proxy is a typed face over a CallTarget; several proxies
 * of different interfaces may share one (the original's `createWithProxy`): `new BProxy(a.target)`.
 */
export abstract class Proxy {
  constructor(readonly target: CallTarget) {}

  /** Sends a two-way or async call. A `.then` chain, not async/await: it saves a promise per call. */
  protected invoke<R>(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    decode: ResultDecoder<R> | null,
    options?: CallOptions,
  ): Promise<R> {
    let reply: Promise<RpcMessage>;
    try {
      reply = this.target.call({
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
    return reply.then(decode ? (m) => decodeResult(m, decode) : ignoreResult) as Promise<R>;
  }

  protected invokeOneway(ifidx: number, opidx: number, paramsize: number, encode: ParamEncoder, options?: OnewayOptions): void {
    this.target.send({ ifidx, opidx, paramsize, params: encodeParams(encode), mode: 'oneway', extra: options?.extra });
  }
}
