import type { FeedEntry, FeedFilter } from '../../shared/console-api/index.js';
import { feedPredicate, isEmptyFilter } from '../../shared/console-api/feed-filter.js';

/**
 * The renderer's bounded window on the feed: the newest `capacity` entries in id order, and the
 * rows the current filter keeps. Plain arrays outside React (no per-row state); the grid reads
 * rows by index. Counters let the view keep its place when old rows leave the window.
 */
export class FeedWindow {
  private all: FeedEntry[] = [];
  private start = 0;
  private rows: FeedEntry[] = [];
  private rowStart = 0;
  private match: (e: FeedEntry) => boolean = () => true;
  filtered = false;
  /** Rows that ever left the front of `rows` (the grid scrolls up by as many when not following). */
  rowsEvicted = 0;
  /** Rows ever appended to the end (the "N new" counter compares two readings). */
  rowsAppended = 0;
  /** Entries pushed out of the window by newer ones (still in the host's buffer, maybe). */
  evicted = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.all.length - this.start;
  }

  get rowCount(): number {
    return this.rows.length - this.rowStart;
  }

  rowAt(index: number): FeedEntry | undefined {
    return this.rows[this.rowStart + index];
  }

  get oldestId(): number | undefined {
    return this.all[this.start]?.id;
  }

  get newestId(): number | undefined {
    return this.all[this.all.length - 1]?.id;
  }

  append(entries: readonly FeedEntry[]): void {
    for (const e of entries) {
      this.all.push(e);
      if (this.match(e)) {
        this.rows.push(e);
        this.rowsAppended++;
      }
    }
    const over = this.size - this.capacity;
    if (over > 0) {
      this.start += over;
      this.evicted += over;
      const oldest = this.all[this.start]!.id;
      while (this.rowStart < this.rows.length && this.rows[this.rowStart]!.id < oldest) {
        this.rowStart++;
        this.rowsEvicted++;
      }
    }
    this.compact();
  }

  /** Applies a filter to everything in the window (retroactively). */
  setFilter(filter: FeedFilter): void {
    this.filtered = !isEmptyFilter(filter);
    this.match = this.filtered ? feedPredicate(filter) : () => true;
    this.rows = this.filtered ? this.all.slice(this.start).filter(this.match) : this.all.slice(this.start);
    this.rowStart = 0;
  }

  /** Older matches fetched from the host's buffer (before this window's first entry), in id order. */
  prependOlder(entries: readonly FeedEntry[]): number {
    const first = this.rows[this.rowStart]?.id ?? Infinity;
    const older = entries.filter((e) => e.id < first && this.match(e));
    if (older.length) {
      this.rows = [...older, ...this.rows.slice(this.rowStart)];
      this.rowStart = 0;
    }
    return older.length;
  }

  /** Position of an entry among the rows (binary search by id), or -1. */
  indexOfId(id: number): number {
    let lo = this.rowStart;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.rows[mid]!.id;
      if (at === id) return mid - this.rowStart;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  byId(id: number): FeedEntry | undefined {
    const i = this.indexOfId(id);
    return i >= 0 ? this.rowAt(i) : undefined;
  }

  visibleRows(): FeedEntry[] {
    return this.rows.slice(this.rowStart);
  }

  clear(): void {
    this.all = [];
    this.rows = [];
    this.start = 0;
    this.rowStart = 0;
  }

  /** Drops the evicted prefix once it is as big as the window, so memory stays ~2× capacity. */
  private compact(): void {
    if (this.start >= this.capacity) {
      this.all = this.all.slice(this.start);
      this.start = 0;
    }
    if (this.rowStart >= this.capacity) {
      this.rows = this.rows.slice(this.rowStart);
      this.rowStart = 0;
    }
  }
}
