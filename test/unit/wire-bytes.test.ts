import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { WireError } from '../../shared/wire/errors.js';

describe('ByteWriter / ByteReader', () => {
  it('round-trips every primitive big-endian', () => {
    const w = new ByteWriter(4);
    w.byte(255).bool(true).i16(-1).i32(-2).i64(-3n).f32(1.5).f64(-2).string('中').string('hello').bytes(new Uint8Array([1, 2, 3]));
    const r = new ByteReader(w.finish());
    expect([r.byte(), r.bool(), r.i16(), r.i32(), r.i64(), r.f32(), r.f64(), r.string(), r.string()]).toEqual([255, true, -1, -2, -3n, 1.5, -2, '中', 'hello']);
    expect([...r.byteSeq()]).toEqual([1, 2, 3]);
    expect(r.remaining).toBe(0);
  });

  it('writes strings as u32 byte length + UTF-8 (spec §10 V7)', () => {
    expect([...new ByteWriter().string('中').finish()]).toEqual([0, 0, 0, 3, 0xe4, 0xb8, 0xad]);
    expect([...new ByteWriter().string('').finish()]).toEqual([0, 0, 0, 0]);
  });

  it('refuses to read past the end', () => {
    const r = new ByteReader(new Uint8Array([0, 0, 0, 9, 65]));
    expect(() => r.string()).toThrow(WireError);
  });

  it('rejects a container count larger than the bytes left', () => {
    const r = new ByteReader(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 1, 2]));
    expect(() => r.count()).toThrow(/exceeds/);
  });
});

describe('ByteWriter growth', () => {
  it('grows from an initial capacity of 0', () => {
    expect([...new ByteWriter(0).u32(1).finish()]).toEqual([0, 0, 0, 1]);
  });
});
