// A feed batch goes to a page as one WebSocket text message sent in fragments: real sockets.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { FeedBatch, FeedEntry } from '../../shared/console-api/types.js';
import { ENTRIES_PER_FRAGMENT, sendFeedBatch } from '../../electron/web/feed-frames.js';

const entry = (id: number): FeedEntry => ({
  id,
  time: 1_700_000_000_000 + id / 3,
  hop: 'gateway',
  direction: 'in',
  endpoint: 'socket_gateway',
  userId: String(id % 7),
  kind: 'oneway',
  push: false,
  sequence: id,
  calltype: 0x21,
  ifidx: 1,
  opidx: 2,
  errcode: 0,
  callId: 0,
  method: 'say "hi", \u2014 {"entries":[]}',
  extra: { key: `v${id}` },
  size: 44,
  correlation: `call:${id}:1@gw`,
  raw: 'AAEC',
  rawTruncated: false,
});

let close: () => Promise<void> = async () => {};
afterEach(() => close());

/** Sends each batch over a real socket; resolves with the messages the client got (text, fragments joined). */
async function roundTrip(batches: FeedBatch[]): Promise<{ texts: string[]; frames: number }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  let frames = 0;
  server.on('connection', (socket) => {
    // Fragments counted where they are sent (the receiver sees only whole messages).
    const send = socket.send.bind(socket);
    socket.send = ((data: string, options: { fin?: boolean }) => {
      frames++;
      send(data, options);
    }) as typeof socket.send;
    for (const b of batches) sendFeedBatch(socket, b);
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  close = async () => {
    client.terminate();
    await new Promise((r) => server.close(r));
  };
  const texts: string[] = [];
  client.on('message', (data, isBinary) => {
    expect(isBinary).toBe(false);
    texts.push((data as Buffer).toString('utf8'));
  });
  await expect.poll(() => texts.length).toBe(batches.length);
  return { texts, frames };
}

describe('feed batches over the web bridge', () => {
  it('arrive as one message each, parsing to the same frame as the whole batch stringified', async () => {
    const big: FeedBatch = {
      entries: Array.from({ length: 2 * ENTRIES_PER_FRAGMENT + 7 }, (_, i) => entry(i + 1)),
      dropped: 3,
      revised: [entry(9)],
    };
    const empty: FeedBatch = { entries: [], dropped: 5 };
    const one: FeedBatch = { entries: [entry(1)], dropped: 0 };
    const { texts, frames } = await roundTrip([big, empty, one]);
    const expected = [big, empty, one].map((payload) => ({ type: 'event', event: 'feed.batch', payload }));
    expect(texts.map((t) => JSON.parse(t) as unknown)).toEqual(JSON.parse(JSON.stringify(expected)));
    // 3 fragments of entries and the closing one; the empty batch 1; the one-entry batch 2.
    expect(frames).toBe(4 + 1 + 2);
  });
});
