import { WireError } from './errors.js';

const utf8Encoder = new TextEncoder();
/** ignoreBOM keeps a leading U+FEFF: it is part of the string, not a marker to strip. */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Strings up to this many UTF-16 units (encode) or bytes (decode) are coded by hand. */
const SHORT_STRING = 64;

/**
 * Growable big-endian byte writer: the one primitive encoder behind messages, the model-driven
 * codec and generated code. Reuse an instance with reset() on hot paths to avoid allocation.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  /** Drops everything written after the first `length` bytes. */
  truncate(length: number): this {
    if (length < this.pos) this.pos = length;
    return this;
  }

  /** Bytes the writer holds room for (it grows on demand). */
  get capacity(): number {
    return this.buf.length;
  }

  private ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let capacity = Math.max(this.buf.length * 2, 64);
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  /** `byte` accepts -128..255 (Java signed, Python/JS unsigned): the same octet either way. */
  byte(v: number): this {
    return this.u8(v);
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  i16(v: number): this {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
    return this;
  }

  /**
   * u32 byte length + UTF-8 bytes. Short strings (most TCE strings) are encoded by hand,
   * which beats the cost of a TextEncoder call; long ones go to encodeInto.
   */
  string(v: string): this {
    const n = v.length;
    this.ensure(4 + n * 3);
    const start = this.pos + 4;
    const written =
      n <= SHORT_STRING ? writeUtf8(v, this.buf, start) : utf8Encoder.encodeInto(v, this.buf.subarray(start)).written;
    this.view.setUint32(this.pos, written);
    this.pos = start + written;
    return this;
  }

  /** `sequence<byte>`: u32 length + raw octets. */
  bytes(v: Uint8Array): this {
    this.u32(v.length);
    return this.raw(v);
  }

  /** Octets with no length prefix. */
  raw(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** Overwrites a u32 written earlier (e.g. a length known only after the body). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v);
  }

  /**
   * What was written so far, as a view (no copy): valid only until the next write or reset.
   * For consumers that copy or finish with the bytes at once (a decoder, a hash); use
   * finish() for anything that keeps them.
   */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of what was written; the writer can be reused afterwards. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Big-endian reader over a byte range. Every read checks bounds and throws WireError('truncated'). */
export class ByteReader {
  offset: number;
  readonly end: number;
  private dataView: DataView | null = null;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
    end = bytes.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  /** Created on first use: most messages hold no long, float or double, and a DataView costs more than the decode. */
  get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private take(n: number, what: string): number {
    const at = this.offset;
    if (at + n > this.end) {
      throw new WireError('truncated', `${what}: needs ${n} byte(s) at offset ${at}, only ${this.end - at} left`);
    }
    this.offset = at + n;
    return at;
  }

  // Integers up to 32 bits are assembled from octets: cheaper than a DataView call.
  private uint32At(at: number): number {
    const b = this.bytes;
    return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  }

  u8(): number {
    return this.bytes[this.take(1, 'byte')]!;
  }

  /** `byte` decodes unsigned (0..255), matching what Python and JS peers send. */
  byte(): number {
    return this.bytes[this.take(1, 'byte')]!;
  }

  bool(): boolean {
    return this.bytes[this.take(1, 'bool')] !== 0;
  }

  i16(): number {
    const at = this.take(2, 'short');
    return ((this.bytes[at]! << 24) | (this.bytes[at + 1]! << 16)) >> 16;
  }

  u16(): number {
    const at = this.take(2, 'u16');
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  i32(): number {
    return this.uint32At(this.take(4, 'int')) | 0;
  }

  u32(): number {
    return this.uint32At(this.take(4, 'u32'));
  }

  i64(): bigint {
    return this.view.getBigInt64(this.take(8, 'long'));
  }

  f32(): number {
    return this.view.getFloat32(this.take(4, 'float'));
  }

  f64(): number {
    return this.view.getFloat64(this.take(8, 'double'));
  }

  /**
   * A container count, checked against the bytes left: every element takes at least
   * `minElementSize` bytes, so a corrupt count fails here instead of allocating gigabytes.
   */
  count(minElementSize = 1, what = 'count'): number {
    const n = this.uint32At(this.take(4, what));
    if (n * minElementSize > this.end - this.offset) {
      throw new WireError(
        'truncated',
        `${what} ${n} exceeds the ${this.end - this.offset} byte(s) left at offset ${this.offset}`,
      );
    }
    return n;
  }

  string(): string {
    const n = this.uint32At(this.take(4, 'string length'));
    const at = this.take(n, 'string');
    if (n <= SHORT_STRING) {
      const s = readUtf8(this.bytes, at, n);
      if (s !== null) return s;
    }
    return utf8Decoder.decode(this.bytes.subarray(at, at + n));
  }

  /** `sequence<byte>`: a copy, so the result outlives the frame buffer it came from. */
  byteSeq(): Uint8Array {
    const n = this.uint32At(this.take(4, 'sequence<byte> length'));
    const at = this.take(n, 'sequence<byte>');
    return this.bytes.slice(at, at + n);
  }

  /** The next n octets as a view (no copy). */
  raw(n: number): Uint8Array {
    const at = this.take(n, 'bytes');
    return this.bytes.subarray(at, at + n);
  }

  /** Everything left, as a view. */
  rest(): Uint8Array {
    const at = this.offset;
    this.offset = this.end;
    return this.bytes.subarray(at, this.end);
  }
}

const fromCharCode = String.fromCharCode;

/**
 * UTF-8 of a string, as TextEncoder writes it (a lone surrogate becomes U+FFFD), into buf at
 * `at`, which has room for 3 bytes per UTF-16 unit. Returns the bytes written.
 */
function writeUtf8(s: string, buf: Uint8Array, at: number): number {
  const n = s.length;
  let p = at;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
      continue;
    }
    if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
        continue;
      }
      c = 0xfffd;
    }
    buf[p++] = 0xe0 | (c >> 12);
    buf[p++] = 0x80 | ((c >> 6) & 0x3f);
    buf[p++] = 0x80 | (c & 0x3f);
  }
  return p - at;
}

/** The 1–7 octets `b[at, end)` as one string if all are ASCII, else null: one string, not one per character. */
function asciiTail(b: Uint8Array, at: number, end: number): string | null {
  let bits = 0;
  for (let i = at; i < end; i++) bits |= b[i]!;
  if (bits & 0x80) return null;
  switch (end - at) {
    case 1:
      return fromCharCode(b[at]!);
    case 2:
      return fromCharCode(b[at]!, b[at + 1]!);
    case 3:
      return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!);
    case 4:
      return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
    case 5:
      return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!);
    case 6:
      return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!);
    default:
      return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!);
  }
}

/**
 * Decodes well-formed UTF-8 by hand: ASCII runs eight octets per fromCharCode call, other
 * characters one by one. Returns null for anything ill-formed, which the
 * caller leaves to TextDecoder and its replacement rules.
 */
function readUtf8(b: Uint8Array, at: number, n: number): string | null {
  const end = at + n;
  let s = '';
  let i = at;
  while (i < end) {
    if (end - i >= 8) {
      const c0 = b[i]!,
        c1 = b[i + 1]!,
        c2 = b[i + 2]!,
        c3 = b[i + 3]!,
        c4 = b[i + 4]!,
        c5 = b[i + 5]!,
        c6 = b[i + 6]!,
        c7 = b[i + 7]!;
      if (((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) & 0x80) === 0) {
        s += fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7);
        i += 8;
        continue;
      }
    }
    const c = b[i]!;
    if (c < 0x80) {
      const ascii = end - i < 8 ? asciiTail(b, i, end) : null;
      if (ascii !== null) return s + ascii;
      s += fromCharCode(c);
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > end) return null;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const d = b[i + k]!;
      if ((d & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are ill-formed.
    if (len === 3 ? cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) : len === 4 && (cp < 0x10000 || cp > 0x10ffff))
      return null;
    s += cp > 0xffff ? fromCharCode(0xd7c0 + (cp >> 10), 0xdc00 | (cp & 0x3ff)) : fromCharCode(cp);
    i += len;
  }
  return s;
}
