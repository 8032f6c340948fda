import { describe, expect, it } from 'vitest';
import { feedPredicate } from '../../shared/console-api/feed-filter.js';
import type { FeedEntry } from '../../shared/console-api/types.js';
import { FeedWindow } from '../../renderer/feed/feed-window.js';
import { parseFilterQuery } from '../../renderer/feed/filter.js';

function entry(id: number, over: Partial<FeedEntry> = {}): FeedEntry {
  return {
    id,
    time: 1_700_000_000_000 + id,
    hop: 'gateway',
    direction: 'in',
    endpoint: 'socket_gateway',
    userId: '7',
    kind: 'call',
    push: false,
    sequence: id,
    calltype: 1,
    ifidx: 2,
    opidx: 0,
    errcode: 0,
    callId: 0,
    interface: 'test.Server',
    method: 'echo',
    extra: { name: 'scott.bo' },
    size: 40,
    correlation: `c${id}`,
    raw: '',
    rawTruncated: false,
    ...over,
  };
}

describe('feed filter bar', () => {
  it('parses fields, extra conditions and free text into a FeedFilter', () => {
    expect(parseFilterQuery('method:test.Server.echo dir:out user:42 hop:queue extra.name=scott.bo "two words" tail')).toEqual({
      filter: { interface: 'test.Server', method: 'echo', direction: 'out', userId: '42', hop: 'queue', extra: { name: 'scott.bo' }, text: 'two words tail' },
      problems: [],
    });
    expect(parseFilterQuery('if:Server method:echo').filter).toEqual({ interface: 'Server', method: 'echo' });
  });

  it('names the tokens it cannot use instead of ignoring them', () => {
    expect(parseFilterQuery('dir:up hop:moon user:').problems).toEqual(["dir: is in or out, not 'up'", "hop: is one of console, gateway, queue, server, not 'moon'", 'user: needs a value']);
  });

  it('matches like the host: every field narrows, interface by full or short name, text anywhere', () => {
    const e = entry(1, { note: 'forwarded to mq_server' });
    const match = (q: string): boolean => feedPredicate(parseFilterQuery(q).filter)(e);
    expect(match('if:Server method:ECHO extra.name=scott.bo')).toBe(true);
    expect(match('if:test.Server dir:in hop:gateway user:7')).toBe(true);
    expect(match('FORWARDED')).toBe(true);
    expect(match('name=scott')).toBe(true);
    expect(match('if:erver')).toBe(false);
    expect(match('extra.name=alice')).toBe(false);
    expect(match('dir:out')).toBe(false);
    expect(match('user:8')).toBe(false);
  });
});

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
    w.setFilter({ hop: 'server' });
    expect(w.visibleRows().map((e) => e.id)).toEqual([2, 4]);
    w.append([entry(5, { hop: 'server' }), entry(6)]);
    expect(w.visibleRows().map((e) => e.id)).toEqual([2, 4, 5]);
    expect(w.indexOfId(4)).toBe(1);
    expect(w.indexOfId(3)).toBe(-1);
    w.setFilter({});
    expect(w.rowCount).toBe(6);
  });

  it('drops filtered rows that leave the window and takes older matches from the host in front', () => {
    const w = new FeedWindow(3);
    w.setFilter({ hop: 'server' });
    w.append([entry(10, { hop: 'server' }), entry(11), entry(12, { hop: 'server' }), entry(13)]);
    expect(w.visibleRows().map((e) => e.id)).toEqual([12]);
    expect(w.rowsEvicted).toBe(1);
    expect(w.prependOlder([entry(3, { hop: 'server' }), entry(4), entry(10, { hop: 'server' }), entry(12, { hop: 'server' })])).toBe(2);
    expect(w.visibleRows().map((e) => e.id)).toEqual([3, 10, 12]);
  });
});
