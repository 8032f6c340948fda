// The gateway's memory of forwarded two-way calls: how RETURNs without routing info find their client.
import { describe, expect, it } from 'vitest';
import { ForwardedCalls } from '../../electron/gateway/forwarded-calls.js';

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
    expect(calls.take('mq_gateway', 7, undefined)).toEqual({ kind: 'found', call: expect.objectContaining({ sequence: 7, userId: '1', client: 'client-1' }) });
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
    expect(calls.take('mq_gateway', 1, '2')).toEqual({ kind: 'found', call: expect.objectContaining({ client: 'client-2' }) });
    expect(calls.take('mq_gateway', 1, undefined)).toEqual({ kind: 'found', call: expect.objectContaining({ client: 'client-1' }) });
  });

  it('replaces a call when the same user reuses its sequence (a reconnected client starts at 1 again)', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 1, 'alice', 'old-connection');
    calls.remember('mq_gateway', 1, 'alice', 'new-connection');
    expect(calls.size).toBe(1);
    expect(calls.take('mq_gateway', 1, undefined)).toEqual({ kind: 'found', call: expect.objectContaining({ client: 'new-connection' }) });
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
    expect([1, 2, 3, 4, 5].map((seq) => calls.take('mq_gateway', seq, '1').kind)).toEqual(['none', 'none', 'found', 'found', 'found']);
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

  it('stays small behind a call that is never answered while many others are', () => {
    const { calls } = table();
    calls.remember('mq_gateway', 0, 'stuck', 'a');
    for (let seq = 1; seq <= 200_000; seq++) {
      calls.remember('mq_gateway', seq, '1', 'b');
      calls.take('mq_gateway', seq, '1');
    }
    expect(calls.size).toBe(1);
    // The bookkeeping list is compacted, not grown by every answered call.
    expect((calls as unknown as { order: unknown[] }).order.length).toBeLessThan(3_000);
  });

  it('rejects nonsensical bounds', () => {
    expect(() => new ForwardedCalls({ max: 0 })).toThrow(/max/);
    expect(() => new ForwardedCalls({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
