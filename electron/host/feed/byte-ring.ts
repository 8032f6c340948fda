/** The first buffer; it doubles as the bytes held need (the feed's raw budget bounds them). */
const INITIAL_CAPACITY = 1 << 20;

/**
 * The feed's raw bytes, appended in order and released oldest first, in one buffer outside
 * V8's heap. Positions are absolute (they only grow), so an entry keeps a number, not a view,
 * and its bytes cost the garbage collector nothing however long the ring holds them.
 */
export class ByteRing {
  private buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Absolute position of the oldest byte held. */
  private start = 0;
  /** Absolute position the next byte is written at. */
  private end = 0;

  /** Bytes held. */
  get size(): number {
    return this.end - this.start;
  }

  /** Stores `bytes`; returns the position to read them back from. */
  append(bytes: Uint8Array): number {
    const at = this.end;
    if (bytes.length === 0) return at;
    if (this.size + bytes.length > this.buffer.length) this.grow(this.size + bytes.length);
    this.write(at, bytes);
    this.end += bytes.length;
    return at;
  }

  /** Forgets every byte before `position`. */
  releaseBefore(position: number): void {
    this.start = Math.min(Math.max(this.start, position), this.end);
  }

  clear(): void {
    this.start = this.end;
  }

  /** The bytes at [at, at + length) as base64; '' when any of them was released. */
  base64(at: number, length: number): string {
    if (length === 0 || at < this.start || at + length > this.end) return '';
    const from = at % this.buffer.length;
    if (from + length <= this.buffer.length) return this.buffer.toString('base64', from, from + length);
    return this.copy(at, length).toString('base64');
  }

  private copy(at: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    const from = at % this.buffer.length;
    const first = Math.min(length, this.buffer.length - from);
    this.buffer.copy(out, 0, from, from + first);
    this.buffer.copy(out, first, 0, length - first);
    return out;
  }

  private write(at: number, bytes: Uint8Array): void {
    const from = at % this.buffer.length;
    const first = Math.min(bytes.length, this.buffer.length - from);
    this.buffer.set(first === bytes.length ? bytes : bytes.subarray(0, first), from);
    if (first < bytes.length) this.buffer.set(bytes.subarray(first), 0);
  }

  /** A larger buffer holding the same bytes at the same absolute positions. */
  private grow(needed: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const held = this.copy(this.start, this.size);
    this.buffer = Buffer.allocUnsafe(capacity);
    this.write(this.start, held);
  }
}
