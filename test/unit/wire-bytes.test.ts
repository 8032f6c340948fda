import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { WireError } from '../../shared/wire/errors.js';

describe('ByteWriter / ByteReader', () => {
  it('round-trips every primitive big-endian', () => {
    const w = new ByteWriter(4);
    w.byte(255)
      .bool(true)
      .i16(-1)
      .i32(-2)
      .i64(-3n)
      .f32(1.5)
      .f64(-2)
      .string('中')
      .string('hello')
      .bytes(new Uint8Array([1, 2, 3]));
    const r = new ByteReader(w.finish());
    expect([r.byte(), r.bool(), r.i16(), r.i32(), r.i64(), r.f32(), r.f64(), r.string(), r.string()]).toEqual([
      255,
      true,
      -1,
      -2,
      -3n,
      1.5,
      -2,
      '中',
      'hello',
    ]);
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

describe('strings coded by hand agree with TextEncoder / TextDecoder', () => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const written = (s: string): Uint8Array => new ByteWriter().string(s).finish().subarray(4);
  const read = (bytes: Uint8Array): string => new ByteReader(new ByteWriter().bytes(bytes).finish()).string();

  it('encodes any string, lone surrogates included, to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 70 }), fc.string({ unit: 'grapheme', maxLength: 40 })),
        (s) => {
          expect(written(s)).toEqual(encoder.encode(s));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decodes any bytes, ill-formed UTF-8 included, to the same string', () => {
    // Mostly UTF-8 with a few octets changed, so both well-formed and broken sequences occur.
    const utf8ish = fc
      .tuple(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      )
      .map(([s, edits]) => {
        const bytes = encoder.encode(s);
        for (const [at, b] of edits) if (bytes.length) bytes[at % bytes.length] = b;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(utf8ish, fc.uint8Array({ maxLength: 80 })), (bytes) => {
        expect(read(bytes)).toBe(decoder.decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a leading byte order mark (it is part of the string)', () => {
    expect(read(encoder.encode('\uFEFFx'))).toBe('\uFEFFx');
    expect(read(encoder.encode(`\uFEFF${'x'.repeat(100)}`))).toHaveLength(101);
  });

  it('decodes the edges of each UTF-8 length', () => {
    for (const s of [
      '\u007f',
      '\u0080',
      '\u07ff',
      '\u0800',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '\u{10000}',
      '\u{10ffff}',
      'a€𝄞b',
    ]) {
      expect(read(encoder.encode(s))).toBe(s);
      expect(written(s)).toEqual(encoder.encode(s));
    }
  });
});
