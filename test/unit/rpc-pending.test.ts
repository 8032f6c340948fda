import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { MAX_SEQUENCE, PendingCalls, SequenceGenerator } from '../../shared/rpc/pending.js';
import { rpcMessage } from '../../shared/wire/message.js';

const reply = (sequence: number, errcode = 0) => rpcMessage({ sequence, calltype: 0x02, errcode });

async function rejectionOf(promise: Promise<unknown>): Promise<RpcError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(RpcError);
  return outcome as RpcError;
}

describe('SequenceGenerator', () => {
  it('starts at 1 and wraps to 1 after 2^31 − 1, so Java peers never see a negative sequence', () => {
    const seq = new SequenceGenerator();
    expect([seq.next(), seq.next()]).toEqual([1, 2]);
    (seq as unknown as { last: number }).last = MAX_SEQUENCE - 1;
    expect([seq.next(), seq.next()]).toEqual([MAX_SEQUENCE, 1]);
    expect(MAX_SEQUENCE).toBe(2 ** 31 - 1);
  });
});

describe('PendingCalls', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves a call with the RETURN of the same sequence and forgets it', async () => {
    const table = new PendingCalls();
    const a = table.open(undefined, 2, 0);
    const b = table.open(undefined, 2, 0);
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    expect(table.settle(reply(2))).toBe(true);
    expect((await b.reply).sequence).toBe(2);
    expect(table.size).toBe(1);
    expect(table.settle(reply(2))).toBe(false);
    expect(table.settle(reply(99))).toBe(false);
  });

  it('matches thousands of calls answered in any order, and grows and shrinks its table to fit', async () => {
    const table = new PendingCalls({ timeout: 0 });
    const calls = Array.from({ length: 3000 }, () => table.open(undefined, 2, 0));
    // A fixed shuffle: every 7th first, then the rest backwards.
    const order = [...calls.filter((_, i) => i % 7 === 0), ...calls.filter((_, i) => i % 7 !== 0).reverse()];
    for (const call of order.slice(0, 2990)) expect(table.settle(reply(call.sequence))).toBe(true);
    expect(table.size).toBe(10);
    for (const call of order.slice(0, 2990)) expect((await call.reply).sequence).toBe(call.sequence);
    expect(table.failAll(ErrorCode.CONNECTION_LOST, 'gone')).toBe(10);
    for (const call of order.slice(2990)) expect((await rejectionOf(call.reply)).code).toBe(ErrorCode.CONNECTION_LOST);
    const again = table.open(undefined, 2, 0);
    expect(table.settle(reply(again.sequence))).toBe(true);
    expect(table.size).toBe(0);
  });

  it('decodes the result in place for decoding calls; 5 when it cannot, undefined for void', async () => {
    const table = new PendingCalls();
    const text = table.openDecoding(undefined, 2, 0, (r) => r.string());
    const none = table.openDecoding(undefined, 2, 3, null);
    const bad = table.openDecoding(undefined, 2, 0, (r) => r.string());
    const plain = table.open(undefined, 2, 0);
    const bytes = Uint8Array.of(9, 9, 0, 0, 0, 2, 104, 105, 9);
    expect(table.settleInPlace(text.sequence, bytes, 2, 8)).toBe(true);
    expect(table.settleInPlace(none.sequence, bytes, 8, 8)).toBe(true);
    expect(table.settleInPlace(bad.sequence, bytes, 2, 5)).toBe(true);
    // A call that wants the RETURN message itself is left for settle().
    expect(table.settleInPlace(plain.sequence, bytes, 2, 8)).toBe(false);
    expect(table.size).toBe(1);
    expect(await text.reply).toBe('hi');
    expect(await none.reply).toBeUndefined();
    expect((await rejectionOf(bad.reply)).code).toBe(ErrorCode.UNSERIALIZE_FAILED);
    expect(table.settle(reply(plain.sequence))).toBe(true);
    expect((await plain.reply).sequence).toBe(plain.sequence);
  });

  it('rejects on an error RETURN with the code, its name and the call', async () => {
    const table = new PendingCalls({ description: 'tcp://h:1' });
    const call = table.open(undefined, 7, 3);
    table.settle(reply(call.sequence, 4));
    const error = await rejectionOf(call.reply);
    expect(error).toMatchObject({ code: 4, codeName: 'RPCERROR_INTERFACE_NOTFOUND' });
    expect(error.message).toBe(
      'tcp://h:1: call ifidx 7 opidx 3 (sequence 1): the peer answered RPCERROR_INTERFACE_NOTFOUND (4): the server has no servant for this interface or operation',
    );
    expect(table.size).toBe(0);
  });

  it('times out with code 2 after the default or per-call timeout, removing the entry', async () => {
    const table = new PendingCalls({ timeout: 1_000 });
    const byDefault = table.open(undefined, 0, 0);
    const quick = table.open(50, 0, 0);
    const outcomes = [rejectionOf(byDefault.reply), rejectionOf(quick.reply)];
    vi.advanceTimersByTime(50);
    expect(table.size).toBe(1);
    vi.advanceTimersByTime(950);
    expect(table.size).toBe(0);
    const [slow, fast] = await Promise.all(outcomes);
    expect(fast).toMatchObject({ code: ErrorCode.TIMEOUT });
    expect(fast!.message).toMatch(/no reply within 50 ms/);
    expect(slow!.message).toMatch(/no reply within 1000 ms/);
    // A late reply matches nothing.
    expect(table.settle(reply(quick.sequence))).toBe(false);
  });

  it('keeps watching the next call when the oldest one is answered first', async () => {
    const table = new PendingCalls();
    const a = table.open(100, 0, 0);
    vi.advanceTimersByTime(50);
    const b = table.open(100, 0, 1);
    const outcome = rejectionOf(b.reply);
    table.settle(reply(a.sequence));
    vi.advanceTimersByTime(60);
    expect(table.size).toBe(1);
    vi.advanceTimersByTime(40);
    expect(table.size).toBe(0);
    expect(await outcome).toMatchObject({ code: ErrorCode.TIMEOUT });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits forever with timeout 0', () => {
    const table = new PendingCalls();
    table.open(0, 0, 0);
    vi.advanceTimersByTime(10 * 365 * 24 * 3600 * 1000);
    expect(table.size).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a call beyond maxInFlight with SENDFAILED', async () => {
    const table = new PendingCalls({ maxInFlight: 2 });
    table.open(undefined, 0, 0);
    table.open(undefined, 0, 0);
    expect(() => table.open(undefined, 1, 2)).toThrow(
      expect.objectContaining({
        code: ErrorCode.SENDFAILED,
        message: expect.stringMatching(/too many calls in flight \(limit 2\)/),
      }),
    );
    expect(table.size).toBe(2);
  });

  it('fails every call at once with failAll, clearing timers', async () => {
    const table = new PendingCalls();
    const calls = [table.open(undefined, 0, 0), table.open(5_000, 0, 1), table.open(0, 0, 2)];
    expect(table.failAll(ErrorCode.CONNECTION_LOST, 'connection lost')).toBe(3);
    expect(table.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    for (const call of calls) expect(await rejectionOf(call.reply)).toMatchObject({ code: 104 });
  });

  it('skips sequences still in use after a wrap-around', () => {
    const table = new PendingCalls();
    const waiting = table.open(0, 0, 0);
    (table as unknown as { sequences: { last: number } }).sequences.last = MAX_SEQUENCE;
    expect(waiting.sequence).toBe(1);
    expect(table.nextSequence()).toBe(2);
  });

  it('rejects nonsense timeouts and limits', () => {
    expect(() => new PendingCalls({ timeout: -1 })).toThrow(RangeError);
    expect(() => new PendingCalls({ maxInFlight: 0 })).toThrow(RangeError);
    expect(() => new PendingCalls().open(Number.NaN, 0, 0)).toThrow(RangeError);
  });
});
