import { create } from 'zustand';
import type { FeedFilter } from '../../shared/console-api/index.js';
import { FeedWindow } from '../feed/feed-window.js';

/** How many entries the renderer keeps (the host's ring keeps more; older matches are queried). */
export const FEED_WINDOW = 50_000;

/** The rows live here, outside React; the store only says when they changed. */
export const feedWindow = new FeedWindow(FEED_WINDOW);

interface FeedState {
  /** Bumped at most once per animation frame when the window changed. */
  version: number;
  query: string;
  filter: FeedFilter;
  filterProblems: string[];
  paused: boolean;
  /** Entries the host holds for us while paused. */
  waiting: number;
  /** Entries the host could not deliver to this renderer (it was too slow). */
  dropped: number;
  received: number;
  selectedId: number | null;
  /** The selected entry's call: its other hops are highlighted. */
  selectedCorrelation: string | null;
  /** Matches fetched from the host's buffer, older than the window. */
  olderLoaded: number;
}

export const useFeed = create<FeedState>()(() => ({
  version: 0,
  query: '',
  filter: {},
  filterProblems: [],
  paused: false,
  waiting: 0,
  dropped: 0,
  received: 0,
  selectedId: null,
  selectedCorrelation: null,
  olderLoaded: 0,
}));
