import { inflateSync } from 'node:zlib';
import { FrameParser } from '../../shared/wire/frame.js';
import { decodeMessageHead, MSGTYPE_RPC, type RpcMessage } from '../../shared/wire/message.js';
import { messageOf } from '../../shared/message-of.js';

/** One frame's message as the observer saw it: decoded header and extra, and the RpcMessage bytes. */
export interface ObservedFrame {
  /** Header and extra; `params` is empty (they are in `raw`, and nobody downstream reads them). */
  message: RpcMessage;
  /** The RpcMessage bytes (inflated for a compressed frame); valid only during the callback. */
  raw: Uint8Array;
}

export interface FrameObserverEvents {
  frame(frame: ObservedFrame): void;
  /** A frame whose payload is not an RpcMessage this code knows (another msgtype, a short header). */
  unknown(reason: string): void;
  /** The stream stopped making sense (bad magic, a frame over the limit): nothing more is observed. */
  lost(reason: string): void;
}

const inflate = (data: Uint8Array, maxOutput: number): Uint8Array => inflateSync(data, { maxOutputLength: maxOutput });

/**
 * Watches one direction of a proxied byte stream and reports its frames — and never changes
 * what is forwarded: the proxy forwards the chunks it read whatever this says. Chunk
 * boundaries mean nothing (TCP reads, WebSocket messages); compressed frames are inflated for
 * the feed only. A corrupt stream ends the observing, not the connection: the proxy is there
 * to watch a conversation, not to police it. Bounded by the frame parser's limit.
 */
export class FrameObserver {
  private readonly parser: FrameParser;
  private lostReason: string | undefined;
  /** Made once, not per chunk. */
  private readonly onFrame = (bytes: Uint8Array, start: number, end: number): void =>
    this.frame(bytes.subarray(start, end));

  constructor(
    private readonly events: FrameObserverEvents,
    maxFrameSize?: number,
  ) {
    this.parser = new FrameParser({ inflate, ...(maxFrameSize === undefined ? {} : { maxFrameSize }) });
  }

  /** Why observing stopped, if it did. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  observe(chunk: Uint8Array): void {
    if (this.lostReason !== undefined) return;
    try {
      // A plain Uint8Array over a Buffer chunk: its per-frame subarray views cost about half a Buffer's.
      const bytes = Buffer.isBuffer(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length) : chunk;
      this.parser.pushEach(bytes, this.onFrame);
    } catch (error) {
      this.lostReason = messageOf(error);
      this.events.lost(this.lostReason);
    }
  }

  private frame(raw: Uint8Array): void {
    let message: RpcMessage;
    try {
      message = decodeMessageHead(raw);
    } catch (error) {
      this.events.unknown(`a frame of ${raw.length} bytes is no RpcMessage: ${messageOf(error)}`);
      return;
    }
    if (message.type !== MSGTYPE_RPC) {
      this.events.unknown(`a message of type ${message.type} (only ${MSGTYPE_RPC}, RPC, is decoded)`);
      return;
    }
    this.events.frame({ message, raw });
  }
}
