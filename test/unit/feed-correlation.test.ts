// The correlator's bounds: calls awaiting their RETURN are forgotten past maxOpen and maxAgeMs, oldest first.
import { describe, expect, it } from 'vitest';
import { Correlator, type Placement } from '../../electron/host/feed/correlation.js';
import { EntryStore, type EntryFields } from '../../electron/host/feed/entry-store.js';

const at = (scope: string): Placement => ({ scope, user: '', who: `@${scope}`, push: false });

function fields(kind: 'call' | 'return', sequence: number, time: number): EntryFields {
  return {
    time,
    hop: 'console',
    direction: kind === 'call' ? 'out' : 'in',
    endpoint: 'e',
    peer: undefined,
    userId: undefined,
    gateway: undefined,
    kind,
    push: false,
    sequence,
    calltype: kind === 'call' ? 1 : 2,
    ifidx: 0,
    opidx: 0,
    errcode: 0,
    callId: 0,
    interface: undefined,
    method: undefined,
    extra: {},
    size: 0,
    latencyMs: undefined,
    correlation: '',
    note: undefined,
    mock: undefined,
    run: undefined,
  };
}

function setup(options: { maxOpen?: number; maxAgeMs?: number }) {
  const store = new EntryStore(1000, 1 << 20);
  const correlator = new Correlator(store, options);
  const record = (kind: 'call' | 'return', sequence: number, time: number, scope = 'console:c1') => {
    const entry = fields(kind, sequence, time);
    const calls = correlator.place(entry, at(scope));
    const id = store.append(entry, new Uint8Array(0), false);
    if (calls) correlator.opened(calls, id, entry);
    return entry;
  };
  return { correlator, record };
}

describe('correlator', () => {
  it('links a RETURN to its CALL by scope, direction and sequence, and only there', () => {
    const { correlator, record } = setup({});
    const call = record('call', 7, 100);
    expect(record('return', 7, 101, 'console:c2').latencyMs).toBeUndefined();
    const ret = record('return', 7, 102.5);
    expect(ret).toMatchObject({ correlation: call.correlation, latencyMs: 2.5 });
    expect(record('return', 7, 103).latencyMs).toBeUndefined();
    expect(correlator.open).toBe(0);
  });

  it('forgets the oldest calls past maxOpen', () => {
    const { correlator, record } = setup({ maxOpen: 3 });
    for (let s = 1; s <= 5; s++) record('call', s, s);
    expect(correlator.open).toBe(3);
    expect([1, 2, 3, 4, 5].map((s) => record('return', s, 10).latencyMs !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('forgets calls older than maxAgeMs, and a CALL reusing a sequence replaces the older one', () => {
    const { correlator, record } = setup({ maxAgeMs: 1000 });
    record('call', 1, 0);
    record('call', 2, 500);
    record('call', 3, 1200);
    expect(correlator.open).toBe(2);
    record('call', 3, 1300);
    expect(correlator.open).toBe(2);
    expect(record('return', 1, 1400).latencyMs).toBeUndefined();
    expect(record('return', 3, 1400).latencyMs).toBe(100);
  });

  it('stays bounded over many short-lived connections and answered calls', () => {
    const { correlator, record } = setup({ maxOpen: 100 });
    for (let c = 0; c < 5000; c++) {
      record('call', 1, c, `console:c${c}`);
      if (c % 10 !== 0) record('return', 1, c, `console:c${c}`);
    }
    // Each answered call counted while it was open: it pushed the oldest unanswered one out, then left.
    expect(correlator.open).toBe(99);
    // The newest unanswered calls are the ones still open.
    expect(record('return', 1, 5000, 'console:c4990').latencyMs).toBe(10);
    expect(record('return', 1, 5000, 'console:c10').latencyMs).toBeUndefined();
  });
});
