import { create } from 'zustand';
import type { QueryError } from '../../shared/console-api/feed-query.js';
import { FeedWindow } from '../feed/feed-window.js';
import type { PayloadSource } from '../feed/payloads.js';

/** How many entries the renderer keeps of the live feed (the host's ring keeps more; older matches are queried). */
export const FEED_WINDOW = 50_000;
/** Entries one capture tab holds at most (the host's ring holds as many). */
export const CAPTURE_LIMIT = 100_000;

/** The live feed's view id; captures get their own. */
export const LIVE = 'live';

/** One tab of the feed: the live feed, or an imported capture (read-only). */
export interface FeedView {
  id: string;
  /** "Live" or the capture's file name. */
  title: string;
  capture: boolean;
  query: string;
  wholeCalls: boolean;
  /** The query's syntax error, with its place; the rows stay those of `appliedQuery`. */
  error: QueryError | null;
  /** The last query that parsed: what the rows show. */
  appliedQuery: string;
  /** Remarks on a valid query (`user:2` matches every gateway). */
  notes: string[];
  selectedId: number | null;
  /** The selected entry's call: its other hops are highlighted. */
  selectedCorrelation: string | null;
  /** The right pane shows the selected entry's details, or its whole call. */
  pane: 'details' | 'follow';
  /** Matches fetched from the host's buffer, older than the window (live only). */
  olderLoaded: number;
}

/** A sandbox restart: gateways number their users from 1 again after entry `afterId`. */
export interface Restart {
  afterId: number;
}

interface FeedState {
  /** Bumped at most once per animation frame when a window changed. */
  version: number;
  views: Record<string, FeedView>;
  /** Tab order: the live feed, then captures as opened. */
  order: string[];
  active: string;
  paused: boolean;
  /** Entries the host holds for us while paused. */
  waiting: number;
  /** Entries the host could not deliver to this renderer (it was too slow). */
  dropped: number;
  received: number;
  restarts: Restart[];
  /** The Clear dialog is open (clear this window, or the host's buffer for everyone). */
  confirmingClear: boolean;
}

export const newView = (id: string, title: string, capture: boolean): FeedView => ({
  id,
  title,
  capture,
  query: '',
  wholeCalls: false,
  error: null,
  appliedQuery: '',
  notes: [],
  selectedId: null,
  selectedCorrelation: null,
  pane: 'details',
  olderLoaded: 0,
});

export const useFeed = create<FeedState>()(() => ({
  version: 0,
  views: { [LIVE]: newView(LIVE, 'Live', false) },
  order: [LIVE],
  active: LIVE,
  paused: false,
  waiting: 0,
  dropped: 0,
  received: 0,
  restarts: [],
  confirmingClear: false,
}));

/** The rows live here, outside React; the store only says when they changed. */
export const feedWindow = new FeedWindow(FEED_WINDOW);

/** Each view's window and payload decoder. */
export const windows = new Map<string, { window: FeedWindow; payloads: () => PayloadSource }>();

export function windowOf(id: string): FeedWindow {
  return windows.get(id)?.window ?? feedWindow;
}

export const patchView = (id: string, patch: Partial<FeedView>): void =>
  useFeed.setState((s) => (s.views[id] ? { views: { ...s.views, [id]: { ...s.views[id], ...patch } } } : {}));

export const activeView = (s: Pick<FeedState, 'views' | 'active'> = useFeed.getState()): FeedView =>
  s.views[s.active] ?? s.views[LIVE]!;
