// The feed's columnar storage: entries and their bytes as they were recorded, bounded by the ring and the raw budget.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteRing } from '../../electron/host/feed/byte-ring.js';
import { EntryStore, type EntryFields } from '../../electron/host/feed/entry-store.js';

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bytesOf = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function fields(sequence: number): EntryFields {
  return {
    time: 1_700_000_000_000 + sequence / 8,
    hop: sequence % 2 === 0 ? 'gateway' : 'queue',
    direction: sequence % 3 === 0 ? 'in' : 'out',
    endpoint: 'socket_gateway',
    peer: `tcp://127.0.0.1:${sequence}`,
    userId: sequence % 5 === 0 ? undefined : String(sequence % 5),
    gateway: undefined,
    kind: sequence % 4 === 0 ? 'error' : 'call',
    push: sequence % 2 === 1,
    sequence,
    calltype: 1,
    ifidx: 2,
    opidx: 3,
    errcode: sequence % 4 === 0 ? 104 : 0,
    callId: 2 ** 32 - sequence,
    interface: 'test.Server',
    method: 'echo',
    extra: { k: String(sequence) },
    size: 40 + sequence,
    latencyMs: sequence % 2 === 0 ? undefined : 0.25,
    correlation: `call:${sequence}:1@gw`,
    note: undefined,
    mock: undefined,
    run: undefined,
  };
}

describe('ByteRing', () => {
  it('gives back what it holds across wrap-arounds and growth, and nothing it released', () => {
    const ring = new ByteRing();
    type Held = { at: number; bytes: Uint8Array };
    const held: Held[] = [];
    let released: Held | undefined;
    for (let i = 0; i < 400; i++) {
      const bytes = bytesOf(1000 + ((i * 7919) % 30_000), i);
      held.push({ at: ring.append(bytes), bytes });
      // Keep the newest 60 (≈ 1 MiB, the first buffer's size): the writes wrap around it.
      if (held.length > 60) {
        released = held.shift()!;
        ring.releaseBefore(held[0]!.at);
      }
    }
    for (const { at, bytes } of held) expect(ring.base64(at, bytes.length)).toBe(base64(bytes));
    expect(ring.base64(released!.at, released!.bytes.length)).toBe('');
  });

  it('grows to hold everything not released', () => {
    const ring = new ByteRing();
    const all = Array.from({ length: 50 }, (_, i) => bytesOf(100_000, i));
    const at = all.map((b) => ring.append(b));
    expect(ring.size).toBe(5_000_000);
    all.forEach((bytes, i) => expect(ring.base64(at[i]!, bytes.length)).toBe(base64(bytes)));
  });
});

describe('EntryStore', () => {
  it('gives back every field as recorded, as a copy of its own', () => {
    const store = new EntryStore(10, 1 << 20);
    for (let s = 1; s <= 25; s++) store.append(fields(s), bytesOf(s, s), s === 3);
    expect(store.firstId).toBe(16);
    expect(store.evicted).toBe(15);
    for (let s = 16; s <= 25; s++) {
      const { id, raw, rawTruncated, ...rest } = store.get(s)!;
      expect({ id, raw, rawTruncated }).toEqual({ id: s, raw: base64(bytesOf(s, s)), rawTruncated: false });
      expect(rest).toEqual(fields(s));
    }
    const copy = store.get(20)!;
    copy.note = 'changed outside';
    expect(store.get(20)!.note).toBeUndefined();
    expect(store.amend(20, { note: 'late', userId: '9' })).toBe(true);
    expect(store.get(20)).toMatchObject({ note: 'late', userId: '9' });
    expect(store.amend(3, { note: 'gone' })).toBe(false);
    expect([...store.after(22)].map((e) => e.id)).toEqual([23, 24, 25]);
  });

  it('keeps the bytes of the newest entries within the raw budget, their fields always', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 200 }),
        (capacity, budget, sizes) => {
          const store = new EntryStore(capacity, budget);
          sizes.forEach((n, i) => store.append(fields(i + 1), bytesOf(n, i), false));
          const entries = [...store.after(0)];
          expect(entries.map((e) => e.sequence)).toEqual(
            sizes.map((_, i) => i + 1).slice(-Math.min(capacity, sizes.length)),
          );
          // Bytes are lost oldest first, and said so (nothing here was cut when recorded).
          const lost = entries.filter((e) => e.rawTruncated);
          expect(entries.slice(0, lost.length)).toEqual(lost);
          expect(lost.every((e) => e.raw === '')).toBe(true);
          const kept = entries.slice(lost.length);
          for (const e of kept) expect(e.raw).toBe(base64(bytesOf(sizes[e.sequence - 1]!, e.sequence - 1)));
          // Within budget, except that the newest entry always keeps its bytes.
          const held = kept.reduce((n, e) => n + e.raw.length, 0);
          if (held > kept.at(-1)!.raw.length) expect(held).toBeLessThanOrEqual(budget);
          expect(entries.at(-1)!.raw).toBe(base64(bytesOf(sizes.at(-1)!, sizes.length - 1)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('forgets everything on clear but keeps counting ids', () => {
    const store = new EntryStore(4, 1000);
    for (let s = 1; s <= 6; s++) store.append(fields(s), bytesOf(10, s), false);
    store.clear();
    expect(store.length).toBe(0);
    expect(store.get(6)).toBeUndefined();
    expect(store.append(fields(7), bytesOf(10, 7), false)).toBe(7);
    expect(store.get(7)!.raw).toBe(base64(bytesOf(10, 7)));
  });
});
