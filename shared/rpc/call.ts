import { ByteReader, type ByteWriter } from '../wire/bytes.js';
import { MSGTYPE_RPC, type Extra, type RpcMessage } from '../wire/message.js';
import { ErrorCode, RpcError } from './errors.js';
import { messageOf } from '../message-of.js';

/**
 * How a call travels. Every proxy method returns a Promise whatever the mode: `twoway` and
 * `async` differ only in the calltype flag the peer sees (0x01 vs 0x41, spec §1.4); `oneway`
 * (0x21) is never answered and exists only for void operations.
 */
export type CallMode = 'twoway' | 'oneway' | 'async';

export interface CallOptions {
  /** Milliseconds to wait for the reply; defaults to the connection's (30 000). 0 waits forever. */
  timeout?: number;
  /** Out-of-band string properties sent with the call (spec §1.6). */
  extra?: Extra;
  /** `async` sends calltype 0x41 instead of 0x01; the Promise API is the same. */
  mode?: 'twoway' | 'async';
}

export interface OnewayOptions {
  extra?: Extra;
}

/** A CALL ready to send: the proxy's half of the work, before a connection assigns a sequence. */
export interface OutgoingCall {
  ifidx: number;
  opidx: number;
  /** Informational parameter count (spec §1.3). */
  paramsize: number;
  params: Uint8Array;
  mode: CallMode;
  extra?: Extra;
  /** Only for two-way/async; undefined = the target's default. */
  timeout?: number;
}

/** Writes a call's parameters (generated proxies pass one per call). */
export type ParamEncoder = (w: ByteWriter) => void;
/** Reads a RETURN's value. */
export type ResultDecoder<R> = (r: ByteReader) => R;

/** Something a proxy can call through: a client connection, an MQ writer with a reply queue, … */
export interface CallTarget {
  /** Sends a two-way or async CALL; resolves with the RETURN (errcode 0) or rejects with RpcError. */
  call(call: OutgoingCall): Promise<RpcMessage>;
  /** Sends a one-way CALL; throws RpcError(SENDFAILED) if it cannot be handed to the transport. */
  send(call: OutgoingCall): void;
  /**
   * Optional, with invokeOneway: takes a proxy's call whole, so the parameters go straight into
   * the transport's write buffer and the result is decoded from the frame it arrived in before
   * the promise settles (no parameter bytes, message objects or extra promise per call). Must
   * behave as `call` followed by decoding: the encoder's own errors reject the promise as they are;
   * an undecodable result rejects with 5 UNSERIALIZE_FAILED; `decode` null resolves undefined.
   */
  invoke?<R>(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    decode: ResultDecoder<R> | null,
    options?: CallOptions,
  ): Promise<R>;
  /** Optional, with invoke: a one-way call taken whole, as `send`; the encoder's errors are thrown as they are. */
  invokeOneway?(ifidx: number, opidx: number, paramsize: number, encode: ParamEncoder, options?: OnewayOptions): void;
}

/** Shared by every call sent without extra: encoders only read it. */
export const NO_EXTRA: Extra = Object.freeze({});

/** A result's value from `bytes[start, end)`; a decoder that fails becomes 5 UNSERIALIZE_FAILED. */
export function decodeResult<R>(decode: ResultDecoder<R>, bytes: Uint8Array, start: number, end: number): R {
  try {
    return decode(new ByteReader(bytes, start, end));
  } catch (e) {
    throw new RpcError(ErrorCode.UNSERIALIZE_FAILED, `reply could not be decoded: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

/** The CALL message of an outgoing call, once its sender has chosen the sequence and calltype. */
export function callMessage(
  call: OutgoingCall,
  sequence: number,
  calltype: number,
  extra: Extra = call.extra ?? NO_EXTRA,
): RpcMessage {
  return {
    type: MSGTYPE_RPC,
    sequence,
    calltype,
    ifidx: call.ifidx,
    opidx: call.opidx,
    errcode: 0,
    paramsize: call.paramsize,
    callId: 0,
    extra,
    params: call.params,
  };
}
