// Feed messages of more entries than one WebSocket fragment holds (100) reach a browser-mode
// subscriber whole and in order, over a real socket.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeedBatch } from '../../shared/console-api/types.js';
import { startConsole, type Console } from './host-kit.js';

describe('feed batches over the browser bridge', () => {
  let c: Console;
  beforeAll(async () => {
    c = await startConsole();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('delivers 1,050 entries as messages of 500, 500 and 50, every entry once and in order', async () => {
    const line = (i: number) =>
      JSON.stringify({
        time: 1_700_000_000_000 + i,
        hop: 'console',
        direction: 'out',
        endpoint: 'tcp://127.0.0.1:1',
        userId: 'u1',
        kind: 'oneway',
        push: false,
        sequence: i,
        calltype: 3,
        ifidx: 2,
        opidx: 1,
        errcode: 0,
        callId: 0,
        extra: { __user_id__: 'u1' },
        size: 3,
        correlation: `call:${i}:u1@`,
        note: `n${i}`,
        raw: 'AAEC',
        rawTruncated: false,
      });
    const ndjson = Array.from({ length: 1050 }, (_, i) => line(i + 1)).join('\n');
    expect(await c.bridge.call('feed.import', { ndjson })).toEqual({ count: 1050 });
    const batches: FeedBatch[] = [];
    const stop = c.bridge.on('feed.batch', (b) => batches.push(b));
    await c.bridge.call('feed.subscribe', { afterId: 0 });
    await vi.waitFor(() => expect(batches.flatMap((b) => b.entries)).toHaveLength(1050));
    stop();
    expect(batches.map((b) => b.entries.length)).toEqual([500, 500, 50]);
    expect(batches.flatMap((b) => b.entries.map((e) => e.note))).toEqual(
      Array.from({ length: 1050 }, (_, i) => `n${i + 1}`),
    );
    expect(batches.reduce((n, b) => n + b.dropped, 0)).toBe(0);
  });
});
