// The gateway's memory of forwarded two-way calls: how RETURNs without routing info find their client.
import { describe, expect, it } from 'vitest';
import { ForwardedCalls } from '../../electron/gateway/forwarded-calls.js';
import { exposeGc } from '../support/gc.js';

function table(options: { max?: number; ttlMs?: number } = {}) {
  let t = 1_000;
  const calls = new ForwardedCalls<string>({ ...options, now: () => t });
  return { calls, advance: (ms: number) => (t += ms) };
}

describe('forwarded calls', () => {
  it('finds a call by sequence alone when only one client has it, and forgets it once taken', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 7, '1', 'client-1');
    calls.remember('mq_gateway', 8, '2', 'client-2');
    expect(calls.size).toBe(2);
    expect(calls.take('mq_gateway', 7, undefined)).toEqual({
      kind: 'found',
      call: expect.objectContaining({ sequence: 7, userId: '1', client: 'client-1' }),
    });
    expect(calls.take('mq_gateway', 7, undefined)).toEqual({ kind: 'none' });
    expect(calls.size).toBe(1);
  });

  it('keys by the endpoint the reply arrives on', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 7, '1', 'a');
    expect(calls.take('mq_gateway_ws', 7, undefined)).toEqual({ kind: 'none' });
    expect(calls.take('mq_gateway', 7, undefined).kind).toBe('found');
  });

  it('tells clients apart by user id; without one a shared sequence is ambiguous and nothing is taken', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 1, '1', 'client-1');
    calls.remember('mq_gateway', 1, '2', 'client-2');
    expect(calls.take('mq_gateway', 1, undefined)).toEqual({ kind: 'ambiguous', count: 2 });
    expect(calls.size).toBe(2);
    expect(calls.take('mq_gateway', 1, '2')).toEqual({
      kind: 'found',
      call: expect.objectContaining({ client: 'client-2' }),
    });
    expect(calls.take('mq_gateway', 1, undefined)).toEqual({
      kind: 'found',
      call: expect.objectContaining({ client: 'client-1' }),
    });
  });

  it('replaces a call when the same user reuses its sequence (a reconnected client starts at 1 again)', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 1, 'alice', 'old-connection');
    calls.remember('mq_gateway', 1, 'alice', 'new-connection');
    expect(calls.size).toBe(1);
    expect(calls.take('mq_gateway', 1, undefined)).toEqual({
      kind: 'found',
      call: expect.objectContaining({ client: 'new-connection' }),
    });
  });

  it('expires calls after the TTL', () => {
    const { calls, advance } = table({ ttlMs: 100 });
    calls.remember('mq_gateway', 1, '1', 'a');
    advance(50);
    calls.remember('mq_gateway', 2, '1', 'a');
    advance(60);
    expect(calls.size).toBe(1);
    expect(calls.take('mq_gateway', 1, undefined)).toEqual({ kind: 'none' });
    expect(calls.take('mq_gateway', 2, undefined).kind).toBe('found');
  });

  it('is bounded: the oldest call is forgotten first', () => {
    const { calls } = table({ max: 3 });
    for (let seq = 1; seq <= 5; seq++) calls.remember('mq_gateway', seq, '1', 'a');
    expect(calls.size).toBe(3);
    expect([1, 2, 3, 4, 5].map((seq) => calls.take('mq_gateway', seq, '1').kind)).toEqual([
      'none',
      'none',
      'found',
      'found',
      'found',
    ]);
  });

  it("forgets a client's calls when it disconnects", () => {
    const { calls } = table();
    calls.remember('mq_gateway', 1, '1', 'a');
    calls.remember('mq_gateway', 2, '1', 'a');
    calls.remember('mq_gateway', 3, '2', 'b');
    expect(calls.forgetClient('a')).toBe(2);
    expect(calls.forgetClient('a')).toBe(0);
    expect(calls.size).toBe(1);
  });

  it('keeps memory proportional to the calls awaiting a reply, however many were answered', () => {
    const { calls } = table();
    for (let seq = 1; seq <= 200_000; seq++) {
      calls.remember('mq_gateway', seq, '1', 'b');
      expect(calls.take('mq_gateway', seq, '1').kind).toBe('found');
    }
    expect(calls.size).toBe(0);
    expect(calls.footprint).toBeLessThanOrEqual(3 * 1024);
  });

  it('stays small behind a call that is never answered while many others are', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 0, 'stuck', 'a');
    for (let seq = 1; seq <= 200_000; seq++) {
      calls.remember('mq_gateway', seq, '1', 'b');
      calls.take('mq_gateway', seq, '1');
    }
    expect(calls.size).toBe(1);
    expect(calls.footprint).toBeLessThanOrEqual(4 + 3 * 1024);
  });

  it("lets an answered call's client be collected (the leak kept every client session alive)", async () => {
    const gc = exposeGc();
    const calls = new ForwardedCalls<object>();
    let client: object | undefined = { name: 'a client that made one call and left' };
    const collected = new WeakRef(client);
    calls.remember('mq_gateway', 1, '1', client);
    expect(calls.take('mq_gateway', 1, '1').kind).toBe('found');
    client = undefined;
    // A WeakRef's target survives the job that made it; collect on a later turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(collected.deref()).toBeUndefined();
  });

  it('forgets one call by its handle (its publish failed), once', () => {
    const { calls } = table();
    const call = calls.remember('mq_gateway', 1, '1', 'a');
    calls.remember('mq_gateway', 2, '1', 'a');
    expect(calls.forget(call)).toBe(true);
    expect(calls.forget(call)).toBe(false);
    expect(calls.take('mq_gateway', 1, '1')).toEqual({ kind: 'none' });
    expect(calls.size).toBe(1);
  });

  it('drains every call, oldest first, when no RETURN can come any more', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 1, '1', 'a');
    const answered = calls.remember('mq_gateway', 2, '2', 'b');
    calls.remember('mq_gateway_ws', 3, '1', 'c');
    calls.forget(answered);
    expect(calls.drain().map((c) => [c.sequence, c.client])).toEqual([
      [1, 'a'],
      [3, 'c'],
    ]);
    expect(calls.size).toBe(0);
    expect(calls.drain()).toEqual([]);
    expect(calls.take('mq_gateway', 1, '1')).toEqual({ kind: 'none' });
  });

  it('tells which calls it gives up on: expired, or evicted to make room', () => {
    let t = 0;
    const given: string[] = [];
    const calls = new ForwardedCalls<string>({ max: 2, ttlMs: 100, now: () => t }, (call, why) =>
      given.push(`${call.sequence} ${why}`),
    );
    calls.remember('mq_gateway', 1, '1', 'a');
    calls.remember('mq_gateway', 2, '1', 'a');
    calls.remember('mq_gateway', 3, '1', 'a');
    t = 150;
    calls.sweep();
    expect(given).toEqual(['1 evicted', '2 expired', '3 expired']);
    expect(calls.size).toBe(0);
  });

  it('rejects nonsensical bounds', () => {
    expect(() => new ForwardedCalls({ max: 0 })).toThrow(/max/);
    expect(() => new ForwardedCalls({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
