import { ByteWriter } from './bytes.js';
import { WireError } from './errors.js';
import { MSGTYPE_RPC, type Extra, type RpcMessage, writeHead, writeMessage } from './message.js';
import { messageOf } from '../message-of.js';

/** Meta packet header of stream transports (spec §1.2). */
export const MAGIC = 0xefd2bb99;
export const META_HEADER_SIZE = 14;
/** Bytes of the size field that are not payload: compress, encrypt, version. */
const SIZE_OVERHEAD = 10;
/** Default limit on a frame's size field: 1 MiB, what Java/C++/JS peers enforce. */
export const DEFAULT_MAX_FRAME = 1024 * 1024;
/** Version we write: Java/C++/JS style (spec §1.2). Never checked on receive. */
export const FRAME_VERSION = 0x00000100;

export const Compression = { none: 0, zlib: 1 } as const;

/**
 * Synchronous zlib (RFC 1950) inflate, injected by the host: shared/ has no zlib of its own.
 * It must stop at the end of the zlib stream and ignore what follows, because Java peers pad
 * compressed frames with zeros up to the uncompressed size (spec §1.2); it should throw once
 * the output would exceed `maxOutput`. Node's `zlib.inflateSync(data, { maxOutputLength })`
 * does both (checked in test/unit/wire-frame.test.ts).
 */
export type Inflate = (data: Uint8Array, maxOutput: number) => Uint8Array;

/** Encodes a message as one uncompressed stream frame (meta header + RpcMessage). */
export function encodeFrame(m: RpcMessage, w: ByteWriter = new ByteWriter(80 + m.params.length)): Uint8Array {
  w.reset();
  writeFrame(w, m);
  return w.finish();
}

/** Appends one uncompressed frame to w: lets a sender batch many frames into one write. */
export function writeFrame(w: ByteWriter, m: RpcMessage): void {
  const start = beginFrame(w);
  writeMessage(w, m);
  endFrame(w, start);
}

/**
 * Appends one uncompressed frame of a CALL (type 1, errcode 0, call_id 0) whose parameters
 * `writeParams` writes in place: no parameter bytes of their own. Returns where the parameters
 * start. If writeParams throws, w holds a partial frame: the caller truncates it.
 */
export function writeCallFrame(
  w: ByteWriter,
  sequence: number,
  calltype: number,
  ifidx: number,
  opidx: number,
  paramsize: number,
  extra: Extra,
  writeParams: (w: ByteWriter) => void,
): number {
  const start = beginFrame(w);
  writeHead(w, MSGTYPE_RPC, sequence, calltype, ifidx, opidx, 0, paramsize, 0, extra);
  const paramsAt = w.length;
  writeParams(w);
  endFrame(w, start);
  return paramsAt;
}

/** Writes a meta header with a size to be filled in by endFrame; returns the frame's start. */
function beginFrame(w: ByteWriter): number {
  const start = w.length;
  w.u32(MAGIC).u32(0).u8(Compression.none).u8(0).u32(FRAME_VERSION);
  return start;
}

function endFrame(w: ByteWriter, start: number): void {
  w.patchU32(start + 4, w.length - start - 4);
}

/** Wraps an already encoded RpcMessage in a meta header. */
export function frameBytes(payload: Uint8Array, compress: number = Compression.none): Uint8Array {
  const w = new ByteWriter(META_HEADER_SIZE + payload.length);
  w.u32(MAGIC)
    .u32(SIZE_OVERHEAD + payload.length)
    .u8(compress)
    .u8(0)
    .u32(FRAME_VERSION)
    .raw(payload);
  return w.finish();
}

/** Receives one frame's RpcMessage payload: `bytes[start, end)`. */
export type OnFrame = (bytes: Uint8Array, start: number, end: number) => void;

export interface FrameParserOptions {
  /** Largest accepted size field; larger frames are a protocol error. */
  maxFrameSize?: number;
  /** Needed to accept compress=1 frames (Python and Java peers send them). */
  inflate?: Inflate;
}

/**
 * Reassembles meta frames from a byte stream whose chunk boundaries mean nothing: TCP reads
 * and WebSocket messages alike (tce.js sends header and body as two WS messages). Returns
 * the RpcMessage payloads of every complete frame; throws WireError on a corrupt stream,
 * after which the connection must be closed.
 */
export class FrameParser {
  /** Chunks of an incomplete frame, joined once when it is complete (no re-copying per chunk). */
  private chunks: Uint8Array[] = [];
  private chunkBytes = 0;
  /** Length of the incomplete frame once its header has arrived, else 0. */
  private frameLength = 0;
  /** Bytes of the stream consumed by complete frames, for error messages. */
  private consumed = 0;
  private readonly maxFrameSize: number;
  private readonly inflate: Inflate | undefined;

  constructor(options: FrameParserOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
    this.inflate = options.inflate;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.chunkBytes;
  }

  /** The RpcMessage payloads of every frame `chunk` completes. */
  push(chunk: Uint8Array): Uint8Array[] {
    const payloads: Uint8Array[] = [];
    this.pushEach(chunk, (bytes, start, end) => payloads.push(bytes.subarray(start, end)));
    return payloads;
  }

  /**
   * Hands every frame `chunk` completes to `onFrame` as it is found: its RpcMessage payload is
   * `bytes[start, end)`, valid only during the call (no view, no array per frame). Frames
   * before a corrupt one have been handed over when the WireError is thrown.
   */
  pushEach(chunk: Uint8Array, onFrame: OnFrame): void {
    if (this.chunkBytes === 0) return this.parse(chunk, onFrame);
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    if (this.frameLength === 0) {
      if (this.chunkBytes < 8) return;
      this.frameLength = this.checkHeader(new DataView(this.join().buffer), 0);
    }
    if (this.chunkBytes < this.frameLength) return;
    this.parse(this.join(), onFrame);
  }

  /** Concatenates the held chunks into one (and keeps it as the only chunk). */
  private join(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const joined = new Uint8Array(this.chunkBytes);
    let at = 0;
    for (const c of this.chunks) {
      joined.set(c, at);
      at += c.length;
    }
    this.chunks = [joined];
    return joined;
  }

  /** Validates the 8 bytes at `at` (magic, size) and returns the whole frame's length. */
  private checkHeader(view: DataView, at: number): number {
    const magic = view.getUint32(at);
    if (magic !== MAGIC) {
      const offset = this.consumed + at;
      throw new WireError(
        'bad-magic',
        `bad frame magic 0x${magic.toString(16).padStart(8, '0')} at stream offset ${offset}`,
      );
    }
    const size = view.getUint32(at + 4);
    if (size > this.maxFrameSize) {
      throw new WireError('frame-too-large', `frame size ${size} exceeds the limit of ${this.maxFrameSize} bytes`);
    }
    if (size < SIZE_OVERHEAD) throw new WireError('frame-too-small', `frame size ${size} is below the 10-byte minimum`);
    return size + 4;
  }

  /** Hands over every complete frame of `data` and holds what is left. */
  private parse(data: Uint8Array, onFrame: OnFrame): void {
    this.chunks = [];
    this.chunkBytes = 0;
    this.frameLength = 0;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let at = 0;
    while (data.length - at >= 8) {
      const length = this.checkHeader(view, at);
      if (data.length - at < length) {
        this.frameLength = length;
        break;
      }
      const compress = data[at + 8]!;
      if (compress === Compression.none) onFrame(data, at + META_HEADER_SIZE, at + length);
      else {
        const inflated = this.decompress(compress, data.subarray(at + META_HEADER_SIZE, at + length));
        onFrame(inflated, 0, inflated.length);
      }
      at += length;
    }
    this.consumed += at;
    if (at < data.length) {
      // A copy: a view would pin the whole read buffer for the sake of a partial frame.
      this.chunks = [data.slice(at)];
      this.chunkBytes = data.length - at;
    }
  }

  private decompress(compress: number, body: Uint8Array): Uint8Array {
    if (compress !== Compression.zlib || !this.inflate) {
      throw new WireError('unsupported-compression', `unsupported frame compression ${compress}`);
    }
    try {
      // zlib stops at its end-of-stream marker, so Java's zero padding after it is ignored.
      return this.inflate(body, this.maxFrameSize);
    } catch (e) {
      throw new WireError('inflate-failed', `zlib frame failed to inflate: ${messageOf(e)}`);
    }
  }
}
