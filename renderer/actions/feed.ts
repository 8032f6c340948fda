import type { FeedEntry, FeedStats } from '../../shared/console-api/index.js';
import { parseFilterQuery } from '../feed/filter.js';
import { host, logError } from '../stores/host.js';
import { feedWindow, useFeed } from '../stores/feed.js';

/**
 * Feed plumbing: batches from the host are queued and applied to the window at most once per
 * animation frame (one store update per frame, however many batches arrived), filters are
 * applied in the same frame, pause/resume use the host's per-subscriber hold so nothing is lost.
 */

let queued: FeedEntry[][] = [];
let queuedDropped = 0;
let filterDirty = false;
let frame = 0;
let fallback: ReturnType<typeof setTimeout> | undefined;
let lastId: number | undefined;

function flush(): void {
  cancelAnimationFrame(frame);
  clearTimeout(fallback);
  frame = 0;
  fallback = undefined;
  let received = 0;
  if (filterDirty) {
    filterDirty = false;
    feedWindow.setFilter(useFeed.getState().filter);
  }
  for (const entries of queued) {
    feedWindow.append(entries);
    received += entries.length;
  }
  queued = [];
  const dropped = queuedDropped;
  queuedDropped = 0;
  useFeed.setState((s) => ({ version: s.version + 1, received: s.received + received, dropped: s.dropped + dropped }));
}

/** Next frame; a background tab gets no frames, so a timer drains the queue there. */
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(flush);
  fallback = setTimeout(flush, 250);
}

host.on('feed.batch', (batch) => {
  if (batch.entries.length) {
    queued.push(batch.entries);
    lastId = batch.entries[batch.entries.length - 1]!.id;
  }
  queuedDropped += batch.dropped;
  schedule();
});

/**
 * (Re)subscribes after the last entry seen, so a reconnect continues where the feed stopped. A
 * host that restarted numbers its entries from 1 again: then the window starts over too.
 */
export async function subscribeFeed(): Promise<void> {
  let stats = await host.call('feed.subscribe', lastId === undefined ? {} : { afterId: lastId });
  if (lastId !== undefined && (stats.lastId ?? 0) < lastId) {
    lastId = undefined;
    queued = [];
    feedWindow.clear();
    useFeed.setState((s) => ({ version: s.version + 1, selectedId: null, selectedCorrelation: null }));
    stats = await host.call('feed.subscribe', {});
  }
  useFeed.setState({ paused: stats.paused });
}

export function setFeedQuery(query: string): void {
  const { filter, problems } = parseFilterQuery(query);
  useFeed.setState({ query, filter, filterProblems: problems, olderLoaded: 0 });
  filterDirty = true;
  schedule();
  clearTimeout(olderTimer);
  olderTimer = setTimeout(() => void loadOlderMatches().catch((e: unknown) => logError('feed query', e)), 400);
}

let olderTimer: ReturnType<typeof setTimeout> | undefined;
const OLDER_LIMIT = 2_000;

/** A filter also covers entries that already left the window but are still in the host's buffer. */
async function loadOlderMatches(): Promise<void> {
  const oldest = feedWindow.oldestId;
  if (!feedWindow.filtered || oldest === undefined || feedWindow.evicted === 0) return;
  const { filter } = useFeed.getState();
  const { entries } = await host.call('feed.query', { limit: OLDER_LIMIT, filter });
  if (useFeed.getState().filter !== filter) return;
  const added = feedWindow.prependOlder(entries.filter((e) => e.id < oldest));
  if (added) useFeed.setState((s) => ({ olderLoaded: added, version: s.version + 1 }));
}

let waitingTimer: ReturnType<typeof setInterval> | undefined;

const showStats = (stats: FeedStats): void =>
  useFeed.setState({ paused: stats.paused, waiting: stats.paused && stats.lastId !== undefined ? Math.max(0, stats.lastId - (lastId ?? 0)) : 0 });

/** Pause holds batches in the host; the toolbar counts what is waiting. */
export async function pauseFeed(): Promise<void> {
  showStats(await host.call('feed.pause', {}));
  clearInterval(waitingTimer);
  waitingTimer = setInterval(() => void host.call('feed.stats', {}).then(showStats, () => undefined), 500);
}

export async function resumeFeed(): Promise<void> {
  clearInterval(waitingTimer);
  showStats(await host.call('feed.resume', {}));
}

export const toggleFeedPause = (): Promise<void> => (useFeed.getState().paused ? resumeFeed() : pauseFeed());

export async function clearFeed(): Promise<void> {
  await host.call('feed.clear', {});
  queued = [];
  feedWindow.clear();
  useFeed.setState((s) => ({ version: s.version + 1, selectedId: null, selectedCorrelation: null, olderLoaded: 0, dropped: 0 }));
}

export function selectEntry(id: number | null): void {
  const entry = id === null ? undefined : feedWindow.byId(id);
  useFeed.setState({ selectedId: entry ? entry.id : null, selectedCorrelation: entry?.correlation ?? null });
}

/** Downloads the rows the filter shows, as NDJSON the host can import again. */
export async function exportVisibleRows(): Promise<number> {
  const ids = feedWindow.visibleRows().map((e) => e.id);
  const { ndjson, count } = await host.call('feed.export', { ids });
  const url = URL.createObjectURL(new Blob([ndjson], { type: 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `tce-feed-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return count;
}
