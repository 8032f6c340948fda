import { ByteReader, ByteWriter } from '../wire/bytes.js';
import type { CallOptions, CallTarget, OnewayOptions } from './call.js';
import { ErrorCode, RpcError } from './errors.js';

export type ParamEncoder = (w: ByteWriter) => void;
export type ResultDecoder<R> = (r: ByteReader) => R;

export const NO_PARAMS: ParamEncoder = () => {};

/**
 * Base of every generated proxy. A proxy is a typed face over a CallTarget; several proxies
 * of different interfaces may share one (the original's `createWithProxy`): `new BProxy(a.target)`.
 */
export abstract class Proxy {
  constructor(readonly target: CallTarget) {}

  protected async invoke<R>(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    decode: ResultDecoder<R> | null,
    options: CallOptions = {},
  ): Promise<R> {
    const w = new ByteWriter();
    encode(w);
    const reply = await this.target.call({
      ifidx,
      opidx,
      paramsize,
      params: w.finish(),
      mode: options.mode ?? 'twoway',
      extra: options.extra,
      timeout: options.timeout,
    });
    if (!decode) return undefined as R;
    try {
      return decode(new ByteReader(reply.params));
    } catch (e) {
      throw new RpcError(ErrorCode.UNSERIALIZE_FAILED, `reply could not be decoded: ${(e as Error).message}`, { cause: e });
    }
  }

  protected invokeOneway(ifidx: number, opidx: number, paramsize: number, encode: ParamEncoder, options: OnewayOptions = {}): void {
    const w = new ByteWriter();
    encode(w);
    this.target.send({ ifidx, opidx, paramsize, params: w.finish(), mode: 'oneway', extra: options.extra });
  }
}
