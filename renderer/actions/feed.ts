import type { FeedEntry, FeedFilter, FeedStats, SandboxState } from '../../shared/console-api/index.js';
import { readsPayload } from '../../shared/console-api/feed-filter.js';
import { fromNdjson, toNdjson } from '../../shared/console-api/feed-ndjson.js';
import { parseFeedQuery, type FilterNode } from '../../shared/console-api/feed-query.js';
import { FeedWindow } from '../feed/feed-window.js';
import { CapturePayloads, projectPayloads, type PayloadSource } from '../feed/payloads.js';
import { host, logError, useHost } from '../stores/host.js';
import {
  activeView,
  CAPTURE_LIMIT,
  feedWindow,
  LIVE,
  newView,
  patchView,
  useFeed,
  windowOf,
  windows,
  type FeedView,
} from '../stores/feed.js';
import { useProject } from '../stores/project.js';

/**
 * Feed plumbing: batches from the host are queued and applied to the live window at most once
 * per animation frame (one store update per frame, however many batches arrived); a new filter
 * goes through a window a few milliseconds per frame until done; pause/resume use the host's
 * per-subscriber hold so nothing is lost. Captures are windows of their own, filled once.
 */

const livePayloads = (): PayloadSource => projectPayloads(useProject.getState().snapshot?.model);
windows.set(LIVE, { window: feedWindow, payloads: livePayloads });

/** Time a frame may spend on filtering: the rest is the page's. */
const FILTER_BUDGET_MS = 6;
/**
 * The grid is drawn at most this often while entries stream in (20 times a second): each drawing
 * costs a React render, style, layout and paint, and a live log reads no better at 60.
 */
const DRAW_EVERY_MS = 50;

let queued: FeedEntry[][] = [];
let queuedRevised: FeedEntry[] = [];
let queuedDropped = 0;
let frame = 0;
let fallback: ReturnType<typeof setTimeout> | undefined;
let lastId: number | undefined;
let received = 0;
let drawn = 0;

function flush(): void {
  cancelAnimationFrame(frame);
  clearTimeout(fallback);
  frame = 0;
  fallback = undefined;
  for (const entries of queued) {
    feedWindow.append(entries);
    received += entries.length;
  }
  queued = [];
  if (queuedRevised.length) {
    feedWindow.revise(queuedRevised);
    queuedRevised = [];
  }
  let filtering = false;
  for (const { window } of windows.values()) filtering = !window.work(FILTER_BUDGET_MS) || filtering;
  const now = performance.now();
  const draw = now - drawn >= DRAW_EVERY_MS;
  if (draw) {
    drawn = now;
    const [got, dropped] = [received, queuedDropped];
    received = queuedDropped = 0;
    useFeed.setState((s) => ({ version: s.version + 1, received: s.received + got, dropped: s.dropped + dropped }));
  }
  if (filtering || !draw) schedule();
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
  if (batch.revised) queuedRevised.push(...batch.revised);
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
    patchView(LIVE, { selectedId: null, selectedCorrelation: null });
    useFeed.setState((s) => ({ version: s.version + 1, restarts: [] }));
    stats = await host.call('feed.subscribe', {});
  }
  useFeed.setState({ paused: stats.paused });
}

// ---------------------------------------------------------------------------------- filters

/** The view's filter as the window applies it (undefined node: no filter). */
function applyFilter(view: FeedView, node: FilterNode | undefined): void {
  const entry = windows.get(view.id);
  if (!entry) return;
  const payloads = entry.payloads();
  entry.window.setFilter({ node, wholeCalls: view.wholeCalls, searchText: (e) => payloads.searchText(e) });
  schedule();
}

const nodeOf = (query: string): FilterNode | undefined => {
  const parsed = parseFeedQuery(query);
  return parsed.ok ? parsed.node : undefined;
};

/** Types a filter: a query that parses applies at once; one that does not is shown with its error, the rows stay. */
export function setFeedQuery(query: string, viewId = useFeed.getState().active): void {
  const parsed = parseFeedQuery(query);
  if (!parsed.ok) {
    patchView(viewId, { query, error: parsed.error });
    return;
  }
  patchView(viewId, { query, error: null, appliedQuery: query, notes: parsed.notes, olderLoaded: 0 });
  applyFilter(useFeed.getState().views[viewId]!, parsed.node);
  if (viewId === LIVE) loadOlderSoon();
}

/** Widens the filter to whole calls (or back). */
export function setWholeCalls(on: boolean, viewId = useFeed.getState().active): void {
  patchView(viewId, { wholeCalls: on, olderLoaded: 0 });
  const view = useFeed.getState().views[viewId]!;
  applyFilter(view, nodeOf(view.appliedQuery));
  if (viewId === LIVE) loadOlderSoon();
}

/** The project's IDL changed: payload filters decode anew. */
useProject.subscribe((s, prev) => {
  if (s.snapshot?.model === prev.snapshot?.model) return;
  for (const view of Object.values(useFeed.getState().views)) {
    const node = nodeOf(view.appliedQuery);
    if (readsPayload(node)) applyFilter(view, node);
  }
});

let olderTimer: ReturnType<typeof setTimeout> | undefined;
const OLDER_LIMIT = 2_000;

function loadOlderSoon(): void {
  clearTimeout(olderTimer);
  olderTimer = setTimeout(() => void loadOlderMatches().catch((e: unknown) => logError('feed query', e)), 400);
}

/** A filter also covers entries that already left the window but are still in the host's buffer. */
async function loadOlderMatches(): Promise<void> {
  const oldest = feedWindow.oldestId;
  const view = useFeed.getState().views[LIVE]!;
  if (!feedWindow.filtered || oldest === undefined || feedWindow.evicted === 0) return;
  const filter: FeedFilter = { query: view.appliedQuery, ...(view.wholeCalls ? { wholeCalls: true } : {}) };
  const { entries } = await host.call('feed.query', { limit: OLDER_LIMIT, filter });
  const now = useFeed.getState().views[LIVE]!;
  if (now.appliedQuery !== view.appliedQuery || now.wholeCalls !== view.wholeCalls) return;
  const added = feedWindow.prependOlder(entries.filter((e) => e.id < oldest));
  if (added) {
    patchView(LIVE, { olderLoaded: added });
    schedule();
  }
}

// ------------------------------------------------------------------------- pause and clear

let waitingTimer: ReturnType<typeof setInterval> | undefined;

const showStats = (stats: FeedStats): void =>
  useFeed.setState({
    paused: stats.paused,
    waiting: stats.paused && stats.lastId !== undefined ? Math.max(0, stats.lastId - (lastId ?? 0)) : 0,
  });

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

/**
 * Clears the live feed: this window's view only (the host keeps its buffer and other windows
 * theirs), or the host's buffer for everyone.
 */
export async function clearFeed(scope: 'window' | 'everyone'): Promise<void> {
  if (scope === 'everyone') await host.call('feed.clear', {});
  queued = [];
  queuedRevised = [];
  feedWindow.clear();
  patchView(LIVE, { selectedId: null, selectedCorrelation: null, olderLoaded: 0 });
  useFeed.setState((s) => ({ version: s.version + 1, dropped: 0 }));
}

// -------------------------------------------------------------------------------- selection

export function selectEntry(id: number | null, viewId = useFeed.getState().active): void {
  const entry = id === null ? undefined : windowOf(viewId).byId(id);
  patchView(viewId, {
    selectedId: entry ? entry.id : null,
    selectedCorrelation: entry?.correlation ?? null,
    ...(entry ? {} : { pane: 'details' as const }),
  });
}

/** Shows the selected (or given) entry's whole call in the right pane. */
export function followCall(id: number, viewId = useFeed.getState().active): void {
  selectEntry(id, viewId);
  patchView(viewId, { pane: 'follow' });
}

export const showPane = (pane: FeedView['pane'], viewId = useFeed.getState().active): void =>
  patchView(viewId, { pane });

// --------------------------------------------------------------------------------- captures

let captureSeq = 0;

/**
 * Opens an export as a capture tab of its own: read-only, never merged into the live feed;
 * filters, details and follow call work as in the live feed. Entries are numbered 1… in file order.
 */
export function openCapture(name: string, ndjson: string): number {
  const lines = fromNdjson(ndjson);
  if (lines.length === 0) throw new Error(`${name} holds no feed entries`);
  if (lines.length > CAPTURE_LIMIT)
    throw new Error(
      `${name} holds ${lines.length.toLocaleString('en-US')} entries; a capture tab holds at most ${CAPTURE_LIMIT.toLocaleString('en-US')}`,
    );
  const decoded = new WeakMap<FeedEntry, NonNullable<(typeof lines)[number]['decoded']>>();
  const entries = lines.map(({ decoded: d, ...line }, i) => {
    const entry: FeedEntry = { id: i + 1, ...line };
    if (d) decoded.set(entry, d);
    return entry;
  });
  const window = new FeedWindow(entries.length);
  window.append(entries);
  const id = `capture-${++captureSeq}`;
  const payloads = new CapturePayloads(decoded, livePayloads);
  windows.set(id, { window, payloads: () => payloads });
  useFeed.setState((s) => ({
    views: { ...s.views, [id]: newView(id, name, true) },
    order: [...s.order, id],
    active: id,
    version: s.version + 1,
  }));
  return entries.length;
}

export function closeCapture(id: string): void {
  if (id === LIVE) return;
  windows.delete(id);
  useFeed.setState((s) => {
    const { [id]: _closed, ...views } = s.views;
    return { views, order: s.order.filter((v) => v !== id), active: s.active === id ? LIVE : s.active };
  });
}

export const activateView = (id: string): void => useFeed.setState({ active: id });

// ----------------------------------------------------------------------------------- export

/** Downloads the rows the active view's filter shows, as NDJSON with decoded payloads beside `raw`. */
export async function exportVisibleRows(): Promise<number> {
  const view = activeView();
  const rows = windowOf(view.id).visibleRows();
  let ndjson: string;
  let count: number;
  if (view.capture) {
    const payloads = windows.get(view.id)!.payloads();
    ndjson = toNdjson(rows, (e) => payloads.decode(e));
    count = rows.length;
  } else {
    ({ ndjson, count } = await host.call('feed.export', { ids: rows.map((e) => e.id) }));
  }
  const url = URL.createObjectURL(new Blob([ndjson], { type: 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `tce-feed-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return count;
}

// ----------------------------------------------------------------------------------- restarts

/** A sandbox start after the first renumbers the gateways' users: the feed marks where. */
function noteRestart(state: SandboxState): void {
  if (state.state !== 'running' || (state.run ?? 1) < 2 || state.feedAfterId === undefined) return;
  const afterId = state.feedAfterId;
  if (useFeed.getState().restarts.some((r) => r.afterId === afterId)) return;
  useFeed.setState((s) => ({ restarts: [...s.restarts, { afterId }].slice(-20) }));
}
useHost.subscribe((s, prev) => {
  if (s.sandbox !== prev.sandbox) noteRestart(s.sandbox);
});
