// The queue under every per-call FIFO (forwarded calls, broker queues, writer backlogs).
import { describe, expect, it } from 'vitest';
import { Fifo } from '../../shared/rpc/fifo.js';

describe('Fifo', () => {
  it('gives items back in order, puts a redelivered one back in front, filters in place', () => {
    const q = new Fifo<number>();
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.shift()).toBe(1);
    q.unshift(1);
    q.unshift(0);
    expect([...q]).toEqual([0, 1, 2, 3, 4, 5]);
    q.retain((n) => n % 2 === 0);
    expect([...q]).toEqual([0, 2, 4]);
    expect(q.peek()).toBe(0);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([0, 2, 4, undefined]);
    expect(q.length).toBe(0);
  });

  it('holds memory for what it holds, not for what went through it', () => {
    const q = new Fifo<object>();
    let most = 0;
    // A steady stream that never lets the queue run empty: 100 waiting, a million through.
    for (let i = 0; i < 100; i++) q.push({ i });
    for (let i = 0; i < 1_000_000; i++) {
      q.push({ i });
      q.shift();
      most = Math.max(most, q.footprint);
    }
    expect(q.length).toBe(100);
    expect(most).toBeLessThanOrEqual(2 * 100 + 1024);
  });
});
