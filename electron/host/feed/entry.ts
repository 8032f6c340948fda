import type { FeedEntry, FeedHop, FeedKind, MockSource } from '../../../shared/console-api/types.js';
import { CallType, type RpcMessage } from '../../../shared/wire/message.js';

/** Where a message was seen: everything a feed entry needs besides what the message itself says. */
export interface Sighting {
  hop: FeedHop;
  direction: 'in' | 'out';
  /** Endpoint name or URL. */
  endpoint: string;
  peer?: string | undefined;
  /** The user the message belongs to, when the hop knows it better than the message's extra. */
  userId?: string | undefined;
  /** The gateway that numbered `userId`, where the hop knows it. */
  gateway?: string | undefined;
  note?: string | undefined;
  /** A mock back end's RETURN: what produced the answer. */
  mock?: MockSource | undefined;
  message: RpcMessage;
  /** The RpcMessage bytes (or their first part, see `truncated`). */
  raw: Uint8Array;
  /** The whole message's size when `raw` holds only its first bytes. */
  size?: number;
  truncated?: boolean;
  /** Epoch ms; default now. */
  time?: number;
}

export function feedKind(m: RpcMessage): FeedKind {
  if ((m.calltype & CallType.CALL) !== 0) return (m.calltype & CallType.ONEWAY) !== 0 ? 'oneway' : 'call';
  return m.errcode !== 0 ? 'error' : 'return';
}

export function rawBytes(entry: Pick<FeedEntry, 'raw'>): Uint8Array {
  const buffer = Buffer.from(entry.raw, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
