import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../shared/wire/bytes.js';
import { WireError } from '../../shared/wire/errors.js';
import {
  Compression,
  DEFAULT_MAX_FRAME,
  FRAME_VERSION,
  FrameParser,
  type Inflate,
  MAGIC,
  encodeFrame,
  frameBytes,
} from '../../shared/wire/frame.js';
import { decodeMessage, encodeMessage, rpcMessage } from '../../shared/wire/message.js';
import { fromHex } from '../support/hex.js';
import { V1, V3 } from '../support/spec-vectors.js';

// Spec §10 V9: the stream parser against split, merged, oversized, corrupt and compressed input.

const V1_MESSAGE = V1.subarray(14);

/** Node's zlib, injected the way the host does it: stops at the end of the zlib stream. */
const inflate: Inflate = (data, max) => inflateSync(data, { maxOutputLength: max });

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Byte-exact comparison that stays fast at 1 MiB and ignores Buffer vs Uint8Array. */
const bytesOf = (frames: Uint8Array[]): string[] =>
  frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.length).toString('hex'));

function wireError(f: () => unknown): WireError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    return e as WireError;
  }
  throw new Error('expected a WireError');
}

/** A message whose frame has exactly `size` in its size field, with a string parameter as filler. */
function messageOfFrameSize(size: number): Uint8Array {
  const w = new ByteWriter();
  const filler = size - 10 - 17 - 4 - 4;
  w.string('x'.repeat(filler));
  return encodeMessage(rpcMessage({ sequence: 9, paramsize: 1, params: w.finish() }));
}

describe('FrameParser (spec §10 V9)', () => {
  it('V1 split as 20 + 44 bytes: needs more, then one message', () => {
    const parser = new FrameParser();
    expect(parser.push(V1.subarray(0, 20))).toEqual([]);
    expect(parser.buffered).toBe(20);
    const out = parser.push(V1.subarray(20));
    expect(out).toEqual([V1_MESSAGE]);
    expect(parser.buffered).toBe(0);
    expect(decodeMessage(out[0]!)).toMatchObject({ sequence: 1, ifidx: 2, extra: { name: 'scott.bo' } });
  });

  it('pushEach hands over each frame as offsets, those before a corrupt one included', () => {
    const seen: string[] = [];
    const parser = new FrameParser();
    const bad = concat(V1, V3, fromHex('ef d2 bb 00 00 00 00 0a'));
    const e = wireError(() =>
      parser.pushEach(bad, (bytes, start, end) => seen.push(Buffer.from(bytes.subarray(start, end)).toString('hex'))),
    );
    expect(e.reason).toBe('bad-magic');
    expect(seen).toEqual(bytesOf([V1_MESSAGE, V3.subarray(14)]));
  });

  it('V1 + V3 in one read: two messages, in order', () => {
    const out = new FrameParser().push(concat(V1, V3));
    expect(out.map((p) => decodeMessage(p).sequence)).toEqual([1, 2]);
    expect(out[1]).toEqual(V3.subarray(14));
  });

  it('header only (14 bytes), then the body, as two WebSocket messages', () => {
    const parser = new FrameParser();
    expect(parser.push(V1.subarray(0, 14))).toEqual([]);
    expect(parser.push(V1.subarray(14))).toEqual([V1_MESSAGE]);
  });

  it('every split of V1 into two reads gives exactly one message', () => {
    for (let k = 1; k < V1.length; k++) {
      const parser = new FrameParser();
      const out = [...parser.push(V1.subarray(0, k)), ...parser.push(V1.subarray(k))];
      expect(out, `split at ${k}`).toEqual([V1_MESSAGE]);
    }
  });

  it('V1 one byte per read gives exactly one message, at the last byte', () => {
    const parser = new FrameParser();
    const out: Uint8Array[] = [];
    V1.forEach((b, i) => {
      const got = parser.push(Uint8Array.of(b));
      if (i < V1.length - 1) expect(got).toEqual([]);
      out.push(...got);
    });
    expect(out).toEqual([V1_MESSAGE]);
  });

  it('a first byte of ee is a corrupt stream', () => {
    const bad = V1.slice();
    bad[0] = 0xee;
    const e = wireError(() => new FrameParser().push(bad));
    expect(e.reason).toBe('bad-magic');
    expect(e.message).toBe('bad frame magic 0xeed2bb99 at stream offset 0');
  });

  it('bad magic in a second frame is found at its offset', () => {
    const bad = concat(V1, V3.slice());
    bad[V1.length + 3] = 0;
    expect(wireError(() => new FrameParser().push(bad)).message).toBe(
      `bad frame magic 0xefd2bb00 at stream offset ${V1.length}`,
    );
  });

  it('size 1 MiB + 11 is refused as soon as the header arrives; a larger limit accepts it', () => {
    const header = fromHex('ef d2 bb 99 00 10 00 0b 00 00 00 00 01 00');
    const e = wireError(() => new FrameParser().push(header));
    expect(e.reason).toBe('frame-too-large');
    expect(e.message).toBe(`frame size 1048587 exceeds the limit of ${DEFAULT_MAX_FRAME} bytes`);

    const big = messageOfFrameSize(DEFAULT_MAX_FRAME + 11);
    const frame = frameBytes(big);
    expect(Array.from(frame.subarray(4, 8))).toEqual([0x00, 0x10, 0x00, 0x0b]);
    const parser = new FrameParser({ maxFrameSize: 2 * DEFAULT_MAX_FRAME });
    expect(parser.push(frame.subarray(0, 100_000))).toEqual([]);
    const out = parser.push(frame.subarray(100_000));
    expect(bytesOf(out)).toEqual(bytesOf([big]));
  });

  it('a frame of exactly 1 MiB is accepted by default', () => {
    const m = messageOfFrameSize(DEFAULT_MAX_FRAME);
    expect(bytesOf(new FrameParser().push(frameBytes(m)))).toEqual(bytesOf([m]));
  });

  it('a size field below 10 is refused', () => {
    const e = wireError(() => new FrameParser().push(fromHex('ef d2 bb 99 00 00 00 09')));
    expect(e.reason).toBe('frame-too-small');
  });

  describe('zlib frames (compress 1)', () => {
    // Longer than 100 bytes, so Python and Java peers would compress it.
    const message = encodeMessage(
      rpcMessage({
        sequence: 11,
        ifidx: 2,
        paramsize: 1,
        extra: { name: 'scott.bo' },
        params: new ByteWriter().string('hello '.repeat(30)).finish(),
      }),
    );

    it('Python style: size = 10 + compressed length', () => {
      const frame = frameBytes(deflateSync(message), Compression.zlib);
      expect(frame[8]).toBe(1);
      const out = new FrameParser({ inflate }).push(frame);
      expect(bytesOf(out)).toEqual(bytesOf([message]));
      expect(decodeMessage(out[0]!)).toMatchObject({ sequence: 11, extra: { name: 'scott.bo' } });
    });

    it('Java style: size = 10 + uncompressed length, zero padding after the zlib stream', () => {
      const compressed = deflateSync(message, { level: 9 });
      expect(compressed.length).toBeLessThan(message.length);
      const w = new ByteWriter();
      w.u32(MAGIC)
        .u32(10 + message.length)
        .u8(Compression.zlib)
        .u8(0)
        .u32(FRAME_VERSION)
        .raw(compressed);
      w.raw(new Uint8Array(message.length - compressed.length));
      const frame = w.finish();
      expect(frame.length).toBe(14 + message.length);
      // Followed by a plain frame in the same read: the padding must not leak into it.
      const out = new FrameParser({ inflate }).push(concat(frame, V1));
      expect(bytesOf(out)).toEqual(bytesOf([message, V1_MESSAGE]));
    });

    it('without an inflater a compressed frame is unsupported', () => {
      const e = wireError(() => new FrameParser().push(frameBytes(deflateSync(message), Compression.zlib)));
      expect(e.reason).toBe('unsupported-compression');
    });

    it('bzip2 (compress 2) is unsupported', () => {
      expect(wireError(() => new FrameParser({ inflate }).push(frameBytes(message, 2))).reason).toBe(
        'unsupported-compression',
      );
    });

    it('a corrupt zlib stream fails to inflate', () => {
      const e = wireError(() => new FrameParser({ inflate }).push(frameBytes(message, Compression.zlib)));
      expect(e.reason).toBe('inflate-failed');
      expect(e.message).toMatch(/^zlib frame failed to inflate: /);
    });

    it('a zlib bomb stops at the frame limit', () => {
      const bomb = deflateSync(new Uint8Array(4 * DEFAULT_MAX_FRAME));
      expect(bomb.length).toBeLessThan(DEFAULT_MAX_FRAME);
      const e = wireError(() => new FrameParser({ inflate }).push(frameBytes(bomb, Compression.zlib)));
      expect(e.reason).toBe('inflate-failed');
    });
  });

  it('a large frame dripped in small chunks is joined once, not once per chunk', () => {
    const big = encodeFrame(rpcMessage({ sequence: 9, params: new Uint8Array(DEFAULT_MAX_FRAME - 64).fill(7) }));
    const parser = new FrameParser();
    const started = performance.now();
    const payloads: Uint8Array[] = [];
    for (let at = 0; at < big.length; at += 64) payloads.push(...parser.push(big.subarray(at, at + 64)));
    // Re-joining on every chunk copies ~8 GB here and takes tens of seconds.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(payloads).toHaveLength(1);
    expect(decodeMessage(payloads[0]!).sequence).toBe(9);
    expect(parser.buffered).toBe(0);
  });

  it('reports bad magic in a later frame at its stream offset across pushes', () => {
    const parser = new FrameParser();
    expect(parser.push(V1)).toHaveLength(1);
    const bad = V1.slice();
    bad[0] = 0xee;
    expect(parser.push(bad.subarray(0, 3))).toHaveLength(0);
    expect(wireError(() => parser.push(bad.subarray(3))).message).toBe(
      `bad frame magic 0xeed2bb99 at stream offset ${V1.length}`,
    );
  });

  it('encodeFrame is what frameBytes makes of encodeMessage', () => {
    const m = rpcMessage({
      sequence: 1,
      ifidx: 2,
      paramsize: 1,
      extra: { name: 'scott.bo' },
      params: new ByteWriter().string('hello').finish(),
    });
    expect(encodeFrame(m)).toEqual(V1);
    expect(frameBytes(encodeMessage(m))).toEqual(V1);
  });
});
