// A feed batch sent to a browser as one WebSocket message in fragments: the pieces must make
// exactly the frame one JSON.stringify would have made.
import { describe, expect, it } from 'vitest';
import { feedBatchPieces } from '../../electron/web/bridge-session.js';
import type { FeedBatch, FeedEntry } from '../../shared/console-api/types.js';

const entry = (id: number): FeedEntry => ({
  id,
  time: 1_700_000_000_000 + id / 7,
  hop: 'gateway',
  direction: 'in',
  endpoint: 'socket_gateway',
  peer: undefined,
  userId: `u"${id}`,
  kind: 'call',
  push: false,
  sequence: id,
  calltype: 1,
  ifidx: 2,
  opidx: 1,
  errcode: 0,
  callId: 0,
  extra: { __user_id__: '7', note: 'ü\n' },
  size: 40,
  correlation: `call:${id}:7@gw`,
  raw: 'AAEC',
  rawTruncated: false,
});
const entries = (n: number): FeedEntry[] => Array.from({ length: n }, (_, i) => entry(i + 1));

const cases: [string, FeedBatch][] = [
  ['no entries', { entries: [], dropped: 3 }],
  ['one entry', { entries: entries(1), dropped: 0 }],
  ['exactly one fragment', { entries: entries(100), dropped: 0 }],
  ['several fragments', { entries: entries(250), dropped: 12 }],
  ['revised entries after them', { entries: entries(101), dropped: 0, revised: entries(205) }],
  ['only revised entries', { entries: [], dropped: 0, revised: entries(3) }],
  ['a slice with more to follow', { entries: entries(150), dropped: 0, revised: entries(2), more: true }],
];

describe('feed batch pieces', () => {
  it.each(cases)('%s: the pieces join to the JSON of the frame', (_, batch) => {
    const pieces = feedBatchPieces(batch);
    expect(pieces.join('')).toBe(JSON.stringify({ type: 'event', event: 'feed.batch', payload: batch }));
    const fragments = Math.ceil(batch.entries.length / 100) + Math.ceil((batch.revised?.length ?? 0) / 100) + 1;
    expect(pieces).toHaveLength(fragments);
  });
});
