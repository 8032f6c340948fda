import { inflateSync } from 'node:zlib';
import { ByteWriter } from '../../shared/wire/bytes.js';
import { DEFAULT_MAX_FRAME, FrameParser, writeCallFrame, writeFrame } from '../../shared/wire/frame.js';
import { decodeMessage, plainReturnAt, sequenceAt, type Extra, type RpcMessage } from '../../shared/wire/message.js';
import type {
  CloseReason,
  ConnectionEvents,
  MessageConnection,
  StreamTransportKind,
} from '../../shared/rpc/connection.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { messageOf } from '../../shared/message-of.js';

export interface StreamOptions {
  /** Largest frame accepted and sent (the size field). Default 1 MiB, what Java/C++/JS peers enforce. */
  maxFrameSize?: number;
  /** Bytes queued for a slow peer before the connection is dropped ('overflow'). Default 8 MiB. */
  maxWriteBuffer?: number;
  /**
   * Milliseconds a frame may take to arrive once its first bytes have: a peer that starts
   * frames and never finishes them would otherwise hold a frame buffer forever. Default 60 000; 0 = no limit.
   */
  frameTimeout?: number;
  /**
   * Milliseconds without a byte either way after which the connection is closed ('idle').
   * Default 0 = never; servers (listen()) default to DEFAULT_IDLE_TIMEOUT.
   */
  idleTimeout?: number;
}

export const DEFAULT_MAX_WRITE_BUFFER = 8 * 1024 * 1024;
export const DEFAULT_FRAME_TIMEOUT = 60_000;
/** What an accepted connection may sit idle by default: 5 minutes (clients that only wait for pushes ping, spec §3.8). */
export const DEFAULT_IDLE_TIMEOUT = 300_000;
/** Messages decoded before listen() is called; more means nobody is reading. */
const MAX_HELD = 10_000;
/** A batch buffer grown past this is replaced after its flush, so one burst doesn't pin memory. */
const KEEP_BATCH_CAPACITY = 1024 * 1024;

/** The byte pipe under a StreamConnection: a TCP/TLS socket or a WebSocket. */
export interface ByteSink {
  /** Sends `bytes`, which may be kept as they are (not copied) until `buffered` drops to 0. */
  write(bytes: Uint8Array): void;
  /** Bytes handed to write() but not yet to the kernel. */
  readonly buffered: number;
  /** Closes once what was written has been sent. */
  end(): void;
  /** Closes at once, dropping anything unsent. */
  destroy(): void;
}

/** zlib (RFC 1950) inflate for compressed frames from Python and Java peers (spec §1.2). */
const inflate = (data: Uint8Array, maxOutput: number): Uint8Array => inflateSync(data, { maxOutputLength: maxOutput });

let nextConnectionId = 1;

/**
 * A MessageConnection over any byte stream of meta frames (TCP, TLS, WebSocket alike):
 * reassembles frames, accepts zlib frames, never sends them; batches every frame sent in
 * one event-loop turn into one write; closes itself, and only itself, on bytes that are not
 * TCE ('protocol') or on a write backlog past its limit ('overflow').
 */
export class StreamConnection implements MessageConnection {
  readonly id = nextConnectionId++;
  private readonly parser: FrameParser;
  private readonly maxFrameSize: number;
  private readonly maxWriteBuffer: number;
  private readonly frameTimeout: number;
  /** When the incomplete frame now buffered began to arrive (0 = none buffered). */
  private partialSince = 0;
  private partialTimer: NodeJS.Timeout | undefined;
  private readonly idleTimeout: number;
  /** When a byte last crossed, either way (tracked only with an idle timeout). */
  private lastActivity = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private batch = new ByteWriter(4096);
  private flushScheduled = false;
  /** Frames completed by the chunk being received. */
  private framesInChunk = 0;
  private readonly flushNow = (): void => this.flush();
  private events: ConnectionEvents | undefined;
  private held: { message: RpcMessage; raw: Uint8Array }[] = [];
  private closeReason: CloseReason | undefined;

  constructor(
    private readonly sink: ByteSink,
    readonly transport: StreamTransportKind,
    readonly remote: string,
    options: StreamOptions = {},
  ) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
    this.maxWriteBuffer = options.maxWriteBuffer ?? DEFAULT_MAX_WRITE_BUFFER;
    this.frameTimeout = options.frameTimeout ?? DEFAULT_FRAME_TIMEOUT;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.parser = new FrameParser({ maxFrameSize: this.maxFrameSize, inflate });
    if (this.idleTimeout > 0) {
      this.lastActivity = Date.now();
      this.checkIdleIn(this.idleTimeout);
    }
  }

  get isOpen(): boolean {
    return this.closeReason === undefined;
  }

  /** Why the connection closed; undefined while open. */
  get closedBecause(): CloseReason | undefined {
    return this.closeReason;
  }

  listen(events: ConnectionEvents): void {
    this.events = events;
    const held = this.held;
    this.held = [];
    for (const { message, raw } of held) {
      if (this.closeReason) break;
      events.message(message, raw);
    }
    if (this.closeReason) events.close(this.closeReason);
  }

  /**
   * Queues one frame; all frames queued in one event-loop turn go out in one write. Throws
   * RpcError(SENDFAILED) for a message larger than the frame limit (the peer would drop the
   * connection); returns false once closed.
   */
  send(message: RpcMessage): boolean {
    if (this.closeReason) return false;
    if (message.params.length > this.maxFrameSize)
      throw this.tooLarge(`a message with ${message.params.length} bytes of parameters`);
    const start = this.batch.length;
    writeFrame(this.batch, message);
    return this.queued(start, message.params.length);
  }

  /** As send, with the parameters written in place by `writeParams` (see MessageConnection.sendCall). */
  sendCall(
    sequence: number,
    calltype: number,
    ifidx: number,
    opidx: number,
    paramsize: number,
    extra: Extra,
    writeParams: (w: ByteWriter) => void,
  ): boolean {
    if (this.closeReason) return false;
    const start = this.batch.length;
    let paramsAt: number;
    try {
      paramsAt = writeCallFrame(this.batch, sequence, calltype, ifidx, opidx, paramsize, extra, writeParams);
    } catch (error) {
      this.dropFrom(start);
      throw error;
    }
    return this.queued(start, this.batch.length - paramsAt);
  }

  /** Checks the frame written since `start` and schedules the write; a frame over the limit is taken back. */
  private queued(start: number, paramsLength: number): true {
    const size = this.batch.length - start - 4;
    if (size > this.maxFrameSize) {
      this.dropFrom(start);
      throw this.tooLarge(
        paramsLength > this.maxFrameSize
          ? `a message with ${paramsLength} bytes of parameters`
          : `a ${size}-byte frame`,
      );
    }
    if (this.batch.length >= this.maxWriteBuffer) this.flush();
    else if (!this.flushScheduled) {
      // nextTick runs once this turn's callbacks and promise jobs are done: every frame they
      // queue goes out in one write (measured: faster than setImmediate or a microtask).
      this.flushScheduled = true;
      process.nextTick(this.flushNow);
    }
    return true;
  }

  /** Takes back what was written to the batch since `start`, and the memory an oversized frame grew. */
  private dropFrom(start: number): void {
    this.batch.truncate(start);
    if (this.batch.capacity > KEEP_BATCH_CAPACITY) {
      const kept = this.batch.written().slice();
      this.batch = new ByteWriter(Math.max(4096, kept.length)).raw(kept);
    }
  }

  close(reason = 'closed by this side'): void {
    this.closeGently({ kind: 'local', message: reason });
  }

  /** Sends what is queued, then closes. */
  private closeGently(reason: CloseReason): void {
    if (this.closeReason) return;
    this.flush();
    this.sink.end();
    this.finish(reason);
  }

  /** Bytes from the transport, in whatever pieces they arrived. */
  receive(chunk: Uint8Array): void {
    if (this.closeReason) return;
    if (this.idleTimeout > 0) this.lastActivity = Date.now();
    this.framesInChunk = 0;
    try {
      this.parser.pushEach(chunk, this.onFrame);
    } catch (error) {
      this.abort('protocol', messageOf(error));
      return;
    }
    if (this.frameTimeout > 0) this.trackPartialFrame(this.framesInChunk > 0);
  }

  /** One frame's RpcMessage, `bytes[start, end)`: a plain RETURN is offered undecoded first. */
  private readonly onFrame = (bytes: Uint8Array, start: number, end: number): void => {
    this.framesInChunk++;
    if (this.closeReason) return;
    const events = this.events;
    if (events?.reply) {
      const resultAt = plainReturnAt(bytes, start, end);
      if (resultAt >= 0 && events.reply(sequenceAt(bytes, start), bytes, resultAt, end)) return;
    }
    const raw = bytes.subarray(start, end);
    let message: RpcMessage;
    try {
      message = decodeMessage(raw);
    } catch (error) {
      this.abort('protocol', `undecodable RpcMessage: ${messageOf(error)}`);
      return;
    }
    if (events) events.message(message, raw);
    else if (this.held.push({ message, raw }) > MAX_HELD)
      this.abort('overflow', `${MAX_HELD} messages arrived before anyone listened`);
  };

  /** The transport closed underneath (peer closed, network error). */
  ended(reason: CloseReason): void {
    if (this.closeReason) return;
    this.finish(reason);
  }

  /** Closes at once for a reason of this side's choosing: protocol error or overflow. */
  abort(kind: 'protocol' | 'overflow', message: string): void {
    if (this.closeReason) return;
    this.sink.destroy();
    this.finish({ kind, message });
  }

  /** Starts the frame clock when an incomplete frame is left buffered; any completed frame restarts it. */
  private trackPartialFrame(completedAny: boolean): void {
    if (this.parser.buffered === 0) this.partialSince = 0;
    else if (completedAny || this.partialSince === 0) {
      this.partialSince = Date.now();
      if (!this.partialTimer) this.checkPartialFrameIn(this.frameTimeout);
    }
  }

  /** Like the frame clock: one timer, re-armed for the time left rather than reset on every chunk. */
  private checkIdleIn(ms: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.closeReason) return;
      const idle = Date.now() - this.lastActivity;
      if (idle < this.idleTimeout) return this.checkIdleIn(this.idleTimeout - idle);
      this.closeGently({
        kind: 'idle',
        message: `nothing sent or received for ${idle} ms (idle timeout ${this.idleTimeout} ms)`,
      });
    }, ms).unref();
  }

  /** One timer per connection at most, re-armed rather than reset on every chunk. */
  private checkPartialFrameIn(ms: number): void {
    this.partialTimer = setTimeout(() => {
      this.partialTimer = undefined;
      if (this.closeReason || this.partialSince === 0) return;
      const age = Date.now() - this.partialSince;
      if (age >= this.frameTimeout)
        this.abort('protocol', `a frame started ${age} ms ago and is still incomplete (limit ${this.frameTimeout} ms)`);
      else this.checkPartialFrameIn(this.frameTimeout - age);
    }, ms).unref();
  }

  private tooLarge(what: string): RpcError {
    return new RpcError(
      ErrorCode.SENDFAILED,
      `${this.remote}: ${what} exceeds the ${this.maxFrameSize}-byte frame limit`,
    );
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closeReason || this.batch.length === 0) return;
    if (this.idleTimeout > 0) this.lastActivity = Date.now();
    // The batch itself goes to the sink, not a copy (a copy per write was an ArrayBuffer per turn,
    // and ws copies again to mask a client's frames). Nothing buffered after the write means the
    // socket is done with the bytes and the writer is reused; otherwise the socket keeps them.
    this.sink.write(this.batch.written());
    if (this.sink.buffered > 0 || this.batch.capacity > KEEP_BATCH_CAPACITY) this.batch = new ByteWriter(4096);
    else this.batch.reset();
    if (this.sink.buffered > this.maxWriteBuffer) {
      this.abort(
        'overflow',
        `more than ${this.maxWriteBuffer} bytes wait to be written: the peer reads too slowly or is gone`,
      );
    }
  }

  private finish(reason: CloseReason): void {
    this.closeReason = reason;
    clearTimeout(this.partialTimer);
    clearTimeout(this.idleTimer);
    this.held = [];
    this.events?.close(reason);
  }
}
