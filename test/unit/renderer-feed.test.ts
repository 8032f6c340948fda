import { describe, expect, it } from 'vitest';
import { parseFeedQuery } from '../../shared/console-api/feed-query.js';
import type { FeedEntry } from '../../shared/console-api/types.js';
import { FeedWindow, type WindowFilter } from '../../renderer/feed/feed-window.js';
import { RowList } from '../../renderer/feed/row-list.js';
import { feedEntry } from '../support/feed-entries.js';

/** A window filter from a query (the grammar's own tests are in feed-query.test.ts). */
function filter(query: string, wholeCalls = false, searchText?: (e: FeedEntry) => string): WindowFilter {
  const parsed = parseFeedQuery(query);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { node: parsed.node, wholeCalls, ...(searchText ? { searchText } : {}) };
}

/** Applies a filter and lets it go through the whole window. */
function setFilter(w: FeedWindow, f: WindowFilter): void {
  w.setFilter(f);
  expect(w.work(Infinity)).toBe(true);
}

const ids = (w: FeedWindow): number[] => w.visibleRows().map((e) => e.id);

/** New entries join the window; the filter tests them in the next slice of work. */
function feed(w: FeedWindow, entries: FeedEntry[]): void {
  w.append(entries);
  expect(w.work(Infinity)).toBe(true);
}

const entry = feedEntry;

describe('feed window', () => {
  it('keeps the newest entries up to its capacity and counts what leaves', () => {
    const w = new FeedWindow(5);
    w.append([1, 2, 3, 4].map((i) => entry(i)));
    w.append([5, 6, 7].map((i) => entry(i)));
    expect(w.size).toBe(5);
    expect(w.rowAt(0)?.id).toBe(3);
    expect(w.rowAt(4)?.id).toBe(7);
    expect(w.evicted).toBe(2);
    expect(w.rowsEvicted).toBe(2);
    expect(w.rowsAppended).toBe(7);
  });

  it('stays bounded however many entries pass through it', () => {
    const w = new FeedWindow(100);
    for (let i = 0; i < 10_000; i += 10) w.append(Array.from({ length: 10 }, (_, k) => entry(i + k + 1)));
    expect(w.size).toBe(100);
    expect(w.oldestId).toBe(9_901);
    expect(w.newestId).toBe(10_000);
    expect(w.visibleRows()).toHaveLength(100);
  });

  it('filters retroactively, and new entries join the filter', () => {
    const w = new FeedWindow(100);
    w.append([1, 2, 3, 4].map((i) => entry(i, { hop: i % 2 ? 'gateway' : 'server' })));
    setFilter(w, filter('hop:server'));
    expect(w.visibleRows().map((e) => e.id)).toEqual([2, 4]);
    w.append([entry(5, { hop: 'server' }), entry(6)]);
    // Tested in the next slice of work, not while appending.
    expect(w.visibleRows().map((e) => e.id)).toEqual([2, 4]);
    w.work(Infinity);
    expect(w.visibleRows().map((e) => e.id)).toEqual([2, 4, 5]);
    expect(w.indexOfId(4)).toBe(1);
    expect(w.indexOfId(3)).toBe(-1);
    setFilter(w, filter(''));
    expect(w.rowCount).toBe(6);
  });

  it('drops filtered rows that leave the window and takes older matches from the host in front', () => {
    const w = new FeedWindow(3);
    setFilter(w, filter('hop:server'));
    feed(w, [entry(10, { hop: 'server' }), entry(11), entry(12, { hop: 'server' })]);
    feed(w, [entry(13)]);
    expect(w.visibleRows().map((e) => e.id)).toEqual([12]);
    expect(w.rowsEvicted).toBe(1);
    expect(w.prependOlder([entry(3, { hop: 'server' }), entry(4), entry(9, { hop: 'server' })])).toBe(2);
    expect(w.visibleRows().map((e) => e.id)).toEqual([3, 9, 12]);
    // They joined the window: the next entries push them out first.
    feed(w, [entry(14)]);
    expect(w.visibleRows().map((e) => e.id)).toEqual([12]);
  });

  it('tests a backlog of new entries a slice at a time', () => {
    const w = new FeedWindow(10_000);
    setFilter(w, filter('hop:server'));
    w.append(Array.from({ length: 5000 }, (_, i) => entry(i + 1, { hop: i % 2 ? 'server' : 'gateway' })));
    let clock = 0;
    expect(w.work(200, () => (clock += 50))).toBe(false);
    expect(ids(w)).toEqual(
      [2, 4, 6, 8, 10, 12].concat(Array.from({ length: 250 }, (_, i) => 14 + 2 * i)).slice(0, 256),
    );
    while (!w.work(200, () => (clock += 50)));
    expect(w.rowCount).toBe(2500);
  });

  it('filters a new filter newest first, a slice at a time, while new entries keep arriving', () => {
    const w = new FeedWindow(2000);
    w.append(Array.from({ length: 1000 }, (_, i) => entry(i + 1, { hop: i % 2 ? 'server' : 'gateway' })));
    w.setFilter(filter('hop:server'));
    let clock = 0;
    // The window looks at the clock every 128 entries: with 50 ms per look, a 200 ms budget takes 512 of them.
    const tick = (): number => (clock += 50);
    expect(w.work(200, tick)).toBe(false);
    const partial = ids(w);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.at(-1)).toBe(1000);
    expect(partial[0]).toBeGreaterThan(2);
    expect(w.progress).toMatchObject({ total: 1000 });
    w.append([entry(1001, { hop: 'server' }), entry(1002)]);
    // New entries come first in the next slice: a following view sees them at once.
    w.work(50, tick);
    expect(ids(w).at(-1)).toBe(1001);
    expect(w.progress).toBeDefined();
    while (!w.work(200, tick));
    expect(w.progress).toBeUndefined();
    expect(ids(w)).toEqual([...Array.from({ length: 500 }, (_, i) => 2 * i + 2), 1001]);
    expect(w.rowsPrepended).toBe(500);
  });

  it("searches payloads through the caller's decoder, once per entry", () => {
    const w = new FeedWindow(100);
    w.append([entry(1), entry(2), entry(3)]);
    const seen: number[] = [];
    const payload = (e: FeedEntry): string => {
      seen.push(e.id);
      return e.id === 2 ? 'hello world' : '';
    };
    const cached = new Map<FeedEntry, string>();
    const text = (e: FeedEntry): string => cached.get(e) ?? (cached.set(e, payload(e)), cached.get(e)!);
    setFilter(w, filter('"hello world"', false, text));
    expect(ids(w)).toEqual([2]);
    setFilter(w, filter('hello', false, text));
    expect(ids(w)).toEqual([2]);
    expect(seen.sort()).toEqual([1, 2, 3]);
  });

  it('widens to whole calls: earlier hops of a call join when a later hop matches, later hops follow', () => {
    const w = new FeedWindow(100);
    const hop = (id: number, call: string, h: FeedEntry['hop']): FeedEntry => entry(id, { correlation: call, hop: h });
    w.append([hop(1, 'a', 'console'), hop(2, 'b', 'console'), hop(3, 'a', 'server')]);
    setFilter(w, filter('hop:server', true));
    expect(ids(w)).toEqual([1, 3]);
    feed(w, [hop(4, 'a', 'console'), hop(5, 'b', 'gateway'), hop(6, 'b', 'server'), hop(7, 'c', 'console')]);
    expect(ids(w)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(w.callEntries('b').map((e) => e.id)).toEqual([2, 5, 6]);
  });

  it('replaces entries the host revised, keeping their place', () => {
    const w = new FeedWindow(100);
    w.append([entry(1, { userId: undefined, gateway: undefined, correlation: 'call:1:@console-c1' }), entry(2)]);
    setFilter(w, filter('user:gwserver/7'));
    expect(ids(w)).toEqual([2]);
    w.revise([entry(1, { correlation: 'call:1:7@gwserver' })]);
    expect(ids(w)).toEqual([1, 2]);
    expect(w.byId(1)?.correlation).toBe('call:1:7@gwserver');
    expect(w.callEntries('call:1:@console-c1')).toEqual([]);
    expect(w.callEntries('call:1:7@gwserver').map((e) => e.id)).toEqual([1]);
  });

  it('keeps its call index bounded with the window', () => {
    const w = new FeedWindow(50);
    for (let i = 1; i <= 5000; i++) w.append([entry(i, { correlation: `c${Math.ceil(i / 3)}` })]);
    expect(w.size).toBe(50);
    expect(w.callEntries('c1')).toEqual([]);
    expect(w.callEntries('c1667').map((e) => e.id)).toEqual([4999, 5000]);
  });
});

describe('row list', () => {
  it('keeps rows in id order whichever end they join, and finds them by id', () => {
    const rows = new RowList();
    for (const id of [5, 6, 7]) rows.append(entry(id));
    for (const id of [4, 3]) rows.prepend(entry(id));
    rows.insert(entry(8));
    rows.insert(entry(1));
    expect(rows.toArray().map((e) => e.id)).toEqual([1, 3, 4, 5, 6, 7, 8]);
    rows.insert(entry(2));
    expect(rows.toArray().map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([1, 2, 5, 8, 9].map((id) => rows.indexOfId(id))).toEqual([0, 1, 4, 7, -1]);
    expect(rows.dropBefore(6)).toBe(5);
    expect(rows.toArray().map((e) => e.id)).toEqual([6, 7, 8]);
    expect(rows.at(0)?.id).toBe(6);
  });
});
