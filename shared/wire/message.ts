import { ByteReader, ByteWriter } from './bytes.js';
import { setOwn } from './value-rules.js';

/** calltype bit flags (spec §1.4). Receivers test bits, never compare whole values. */
export const CallType = {
  CALL: 0x01,
  RETURN: 0x02,
  TWOWAY: 0x10,
  ONEWAY: 0x20,
  ASYNC: 0x40,
} as const;

/** What we send (spec §0): plain two-way 0x01, async 0x41, one-way 0x21, returns 0x02. */
export const SendCallType = {
  twoway: CallType.CALL,
  async: CallType.CALL | CallType.ASYNC,
  oneway: CallType.CALL | CallType.ONEWAY,
  return: CallType.RETURN,
} as const;

export const MSGTYPE_RPC = 1;
/** call_id bit 15: "forwarded by a gateway" (spec §1.3, §7.3). */
export const CALL_ID_FORWARDED = 0x8000;

/** Reserved extra keys (spec §1.6). */
export const ExtraKey = {
  userId: '__user_id__',
  mqReturn: '__mq_return__',
  token: '__token__',
  deviceId: '__device_id__',
  lingerTime: '__linger_time__',
} as const;

export type Extra = Record<string, string>;

/** An RpcMessage (spec §1.3): the 17-byte header, the extra map and the raw parameter stream. */
export interface RpcMessage {
  type: number;
  sequence: number;
  calltype: number;
  ifidx: number;
  opidx: number;
  errcode: number;
  paramsize: number;
  callId: number;
  extra: Extra;
  /** CALL: the serialized parameters; RETURN: the serialized value (empty for void and errors). */
  params: Uint8Array;
}

export const HEADER_SIZE = 17;
export const MIN_MESSAGE_SIZE = HEADER_SIZE + 4;

export const isCall = (m: RpcMessage): boolean => (m.calltype & CallType.CALL) !== 0;
export const isReturn = (m: RpcMessage): boolean => (m.calltype & CallType.RETURN) !== 0;
export const isOneway = (m: RpcMessage): boolean => (m.calltype & CallType.ONEWAY) !== 0;

const EMPTY = new Uint8Array(0);

/** A message with defaults for everything not given. */
export function rpcMessage(fields: Partial<RpcMessage>): RpcMessage {
  return {
    type: MSGTYPE_RPC,
    sequence: 0,
    calltype: CallType.CALL,
    ifidx: 0,
    opidx: 0,
    errcode: 0,
    paramsize: 0,
    callId: 0,
    extra: {},
    params: EMPTY,
    ...fields,
  };
}

export function writeExtra(w: ByteWriter, extra: Extra): void {
  const countAt = w.length;
  w.u32(0);
  let count = 0;
  for (const key in extra) {
    w.string(key).string(extra[key]!);
    count++;
  }
  w.patchU32(countAt, count);
}

export function readExtra(r: ByteReader): Extra {
  const n = r.count(8, 'extra count');
  const extra: Extra = {};
  for (let i = 0; i < n; i++) {
    const key = r.string();
    setOwn(extra, key, r.string());
  }
  return extra;
}

/** Writes a whole RpcMessage into w (no meta header). */
export function writeMessage(w: ByteWriter, m: RpcMessage): void {
  writeHead(w, m.type, m.sequence, m.calltype, m.ifidx, m.opidx, m.errcode, m.paramsize, m.callId, m.extra);
  w.raw(m.params);
}

/** Writes an RpcMessage up to its params (header and extra): the caller writes the params next. */
export function writeHead(
  w: ByteWriter,
  type: number,
  sequence: number,
  calltype: number,
  ifidx: number,
  opidx: number,
  errcode: number,
  paramsize: number,
  callId: number,
  extra: Extra,
): void {
  w.u8(type)
    .u32(sequence >>> 0)
    .u8(calltype)
    .u16(ifidx)
    .u16(opidx)
    .u32(errcode >>> 0)
    .u8(paramsize)
    .u16(callId);
  writeExtra(w, extra);
}

/**
 * Where the result starts if `bytes[start, end)` is a plain RETURN — the usual reply: a RETURN
 * (and not a CALL), errcode 0, no extra — else -1. Lets a receiver settle a call without
 * decoding the message.
 */
export function plainReturnAt(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < MIN_MESSAGE_SIZE || (bytes[start + 5]! & (CallType.CALL | CallType.RETURN)) !== CallType.RETURN)
    return -1;
  const errcode = bytes[start + 10]! | bytes[start + 11]! | bytes[start + 12]! | bytes[start + 13]!;
  const extraCount = bytes[start + 17]! | bytes[start + 18]! | bytes[start + 19]! | bytes[start + 20]!;
  return errcode === 0 && extraCount === 0 ? start + MIN_MESSAGE_SIZE : -1;
}

/** The sequence field of the message at `bytes[start]`. */
export const sequenceAt = (bytes: Uint8Array, start: number): number =>
  bytes[start + 1]! * 0x1000000 + ((bytes[start + 2]! << 16) | (bytes[start + 3]! << 8) | bytes[start + 4]!);

/** Larger than this, encodeMessage's writer is not kept: one huge message must not pin its size. */
const KEEP_ENCODE_WRITER = 64 * 1024;
/**
 * encodeMessage's one writer: writing runs no code that could encode again, so it is never in
 * use twice. A writer per message (its object, buffer and view, then the copy) was most of the
 * garbage an encode made, and the sandbox encodes every message at several hops.
 */
let encodeWriter = new ByteWriter(1024);

export function encodeMessage(m: RpcMessage): Uint8Array {
  const w = encodeWriter.reset();
  writeMessage(w, m);
  const bytes = w.finish();
  if (w.capacity > KEEP_ENCODE_WRITER) encodeWriter = new ByteWriter(1024);
  return bytes;
}

/**
 * Decodes an RpcMessage. `params` is a view into `bytes` (no copy): callers that keep it
 * beyond the life of the buffer must copy. Field order is the table's, not tce.js's (§1.3).
 */
export const decodeMessage = (bytes: Uint8Array): RpcMessage => decode(bytes, true);

/**
 * The header and extra of an RpcMessage, `params` left empty (not even a view): for readers that
 * keep the message's bytes anyway and never look at its params (the proxy's frame observer, whose
 * feed names a message by its header). Accepts and rejects exactly what decodeMessage does.
 */
export const decodeMessageHead = (bytes: Uint8Array): RpcMessage => decode(bytes, false);

function decode(bytes: Uint8Array, withParams: boolean): RpcMessage {
  const r = new ByteReader(bytes);
  const type = r.u8();
  const sequence = r.u32();
  const calltype = r.u8();
  const ifidx = r.u16();
  const opidx = r.u16();
  const errcode = r.i32();
  const paramsize = r.u8();
  const callId = r.u16();
  const extra = readExtra(r);
  const params = withParams ? r.rest() : EMPTY;
  return { type, sequence, calltype, ifidx, opidx, errcode, paramsize, callId, extra, params };
}
