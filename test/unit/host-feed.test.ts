// The feed's ring, subscribers, filters and exports, without sockets (host-api tests cover them end to end).
import { describe, expect, it, vi } from 'vitest';
import type { FeedBatch } from '../../shared/console-api/types.js';
import { rpcMessage, encodeMessage, CallType } from '../../shared/wire/message.js';
import { Feed } from '../../electron/host/feed/feed.js';
import { rawBytes } from '../../electron/host/feed/entry.js';
import { FeedPayloads } from '../../shared/console-api/feed-decode.js';
import { fromNdjson, toNdjson } from '../../shared/console-api/feed-ndjson.js';
import type { FeedSink } from '../../electron/host/feed/subscriber.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Batches go out on a timer (30 a second): a loaded machine may be late. */
const BATCH_WAIT = { timeout: 5_000, interval: 20 };

function record(
  feed: Feed,
  sequence: number,
  extra: Record<string, string> = {},
  direction: 'in' | 'out' = 'out',
  kind: 'call' | 'return' = 'call',
) {
  const message = rpcMessage({
    sequence,
    calltype: kind === 'call' ? CallType.CALL : CallType.RETURN,
    ifidx: 2,
    opidx: 1,
    extra,
  });
  const id = feed.record(
    { hop: 'console', direction, endpoint: 'tcp://127.0.0.1:1', message, raw: encodeMessage(message) },
    { scope: 'console:c1', user: '', who: '@c1', push: false },
  );
  return feed.get(id)!;
}

class Collect implements FeedSink {
  batches: FeedBatch[] = [];
  slow = false;
  deliver(batch: FeedBatch) {
    this.batches.push(batch);
  }
  backedUp() {
    return this.slow;
  }
  ids() {
    return this.batches.flatMap((b) => b.entries.map((e) => e.id));
  }
  dropped() {
    return this.batches.reduce((n, b) => n + b.dropped, 0);
  }
}

describe('feed', () => {
  it('evicts the oldest entries past its capacity and counts them', () => {
    const feed = new Feed({ capacity: 100 });
    for (let i = 1; i <= 250; i++) record(feed, i);
    const stats = feed.stats();
    expect(stats).toMatchObject({ capacity: 100, size: 100, evicted: 150, firstId: 151, lastId: 250 });
    expect(feed.get(150)).toBeUndefined();
    expect(feed.get(151)?.sequence).toBe(151);
  });

  it('links a RETURN to its CALL at the same hop and measures latency', () => {
    const feed = new Feed();
    const call = record(feed, 7, {}, 'out', 'call');
    const ret = record(feed, 7, {}, 'in', 'return');
    expect(ret.correlation).toBe(call.correlation);
    expect(ret.latencyMs).toBeGreaterThanOrEqual(0);
    expect(feed.related(call.id).map((e) => e.id)).toEqual([call.id, ret.id]);
  });

  it('delivers batches at most 30 times a second', async () => {
    const feed = new Feed();
    const sink = new Collect();
    feed.subscribe(sink);
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      record(feed, i + 1);
      await sleep(5);
    }
    await vi.waitFor(() => expect(sink.ids()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)), BATCH_WAIT);
    const seconds = (performance.now() - started) / 1000;
    expect(sink.batches.length).toBeLessThanOrEqual(Math.ceil(seconds * 30) + 1);
  });

  it('reports what a backed-up subscriber missed as dropped, without holding up recording', async () => {
    const feed = new Feed({ capacity: 100 });
    const sink = new Collect();
    feed.subscribe(sink);
    sink.slow = true;
    for (let i = 1; i <= 300; i++) record(feed, i);
    expect(feed.stats().lastId).toBe(300);
    await sleep(60);
    expect(sink.batches).toEqual([]);
    sink.slow = false;
    await vi.waitFor(() => expect(sink.ids()).toEqual(Array.from({ length: 100 }, (_, i) => i + 201)), BATCH_WAIT);
    expect(sink.dropped()).toBe(200);
  });

  it('loses nothing still in the buffer across pause and resume', async () => {
    const feed = new Feed({ capacity: 1000 });
    const sink = new Collect();
    const sub = feed.subscribe(sink);
    record(feed, 1);
    await vi.waitFor(() => expect(sink.ids()).toEqual([1]), BATCH_WAIT);
    sub.pause();
    for (let i = 2; i <= 500; i++) record(feed, i);
    await sleep(60);
    expect(sink.ids()).toEqual([1]);
    sub.resume();
    await vi.waitFor(() => expect(sink.ids()).toEqual(Array.from({ length: 500 }, (_, i) => i + 1)), BATCH_WAIT);
    expect(sink.dropped()).toBe(0);
  });

  it('keeps the bytes of the newest entries only once the raw budget is spent, and says so on decode', () => {
    const feed = new Feed({ rawBudget: 1000 });
    for (let i = 1; i <= 100; i++) record(feed, i, { pad: 'x'.repeat(20) });
    const entries = feed.query(0, 1000);
    const kept = entries.filter((e) => e.raw !== '');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.reduce((n, e) => n + e.raw.length, 0)).toBeLessThanOrEqual(1000);
    expect(entries.slice(0, entries.length - kept.length).every((e) => e.raw === '' && e.rawTruncated)).toBe(true);
    expect(entries.at(-1)!.raw).not.toBe('');
    expect(new FeedPayloads(undefined, rawBytes).decode(entries[0]!)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no longer kept/),
    });
  });

  it('caps a batch by its raw bytes as well as by entries', async () => {
    const feed = new Feed({ maxBatchRaw: 200 });
    const sink = new Collect();
    feed.subscribe(sink);
    for (let i = 1; i <= 30; i++) record(feed, i, { pad: 'x'.repeat(40) });
    const per = feed.get(1)!.raw.length;
    // At most 30 batches a second: 30 entries in batches of a few take a while on a loaded machine.
    await vi.waitFor(() => expect(sink.ids()).toEqual(Array.from({ length: 30 }, (_, i) => i + 1)), BATCH_WAIT);
    expect(Math.max(...sink.batches.map((b) => b.entries.length))).toBe(Math.ceil(200 / per));
  });

  it('sends a large batch as messages of at most maxMessage entries, in order, drops and revisions with the first', async () => {
    const feed = new Feed({ maxMessage: 100 });
    const sink = new Collect();
    const sub = feed.subscribe(sink);
    sub.pause();
    for (let i = 1; i <= 1050; i++) record(feed, i);
    sub.resume();
    await vi.waitFor(() => expect(sink.ids()).toHaveLength(1050), BATCH_WAIT);
    expect(sink.ids()).toEqual(Array.from({ length: 1050 }, (_, i) => i + 1));
    expect(sink.batches.map((b) => b.entries.length)).toEqual([...Array<number>(10).fill(100), 50]);
    expect(sink.batches.map((b) => b.more ?? false)).toEqual([...Array<boolean>(10).fill(true), false]);
  });

  it('sends entries revised after delivery again (only to subscribers that had them), with the next batch', async () => {
    const feed = new Feed();
    const early = new Collect();
    feed.subscribe(early);
    const first = record(feed, 1);
    await vi.waitFor(() => expect(early.ids()).toEqual([1]), BATCH_WAIT);
    const late = new Collect();
    late.slow = true;
    feed.subscribe(late);
    expect(feed.amend(first.id, { userId: '7' })).toBe(true);
    feed.revise([first.id]);
    const revised = { ...first, userId: '7' };
    await vi.waitFor(
      () => expect(early.batches.at(-1)).toEqual({ entries: [], dropped: 0, revised: [revised] }),
      BATCH_WAIT,
    );
    late.slow = false;
    // The late subscriber gets the entry itself, already revised, and no revision.
    await vi.waitFor(() => expect(late.batches).toEqual([{ entries: [revised], dropped: 0 }]), BATCH_WAIT);
  });

  it('filters by text, direction and extra', () => {
    const feed = new Feed();
    record(feed, 1, { name: 'scott.bo' }, 'out');
    record(feed, 2, { name: 'other' }, 'in', 'return');
    expect(feed.query(0, 10, { extra: { name: 'scott.bo' } }).map((e) => e.sequence)).toEqual([1]);
    expect(feed.query(0, 10, { direction: 'in' }).map((e) => e.sequence)).toEqual([2]);
    expect(feed.query(0, 10, { text: 'SCOTT' }).map((e) => e.sequence)).toEqual([1]);
  });

  it('exports NDJSON that imports back to the same entries', () => {
    const feed = new Feed();
    for (let i = 1; i <= 5; i++) record(feed, i, { k: String(i) });
    const exported = toNdjson(feed.select(undefined, undefined));
    const again = new Feed();
    again.restore(fromNdjson(exported));
    expect(toNdjson(again.select(undefined, undefined))).toBe(exported);
    expect(() => fromNdjson('{"hop":"moon"}\n')).toThrow(/line 1: not a feed entry: hop/);
  });
});
