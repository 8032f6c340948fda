import type { FeedEntry } from '../../shared/console-api/index.js';
import { compileFilter, type EntryPredicate, type SearchText } from '../../shared/console-api/feed-filter.js';
import type { FilterNode } from '../../shared/console-api/feed-query.js';
import { RowList } from './row-list.js';

export interface WindowFilter {
  /** Undefined: every entry is a row. */
  node: FilterNode | undefined;
  /** Widen to whole calls: every entry of a call one of whose entries matches. */
  wholeCalls: boolean;
  /** An entry's header and decoded payload as lower-cased text, for free-text terms. */
  searchText?: SearchText;
}

/** How far a new filter got through the window. */
export interface FilterProgress {
  done: number;
  total: number;
}

/**
 * A bounded window on the feed (the live one, or a capture): the newest `capacity` entries in
 * id order, an index of them by call (correlation key), and the rows the current filter keeps.
 * Plain arrays outside React (no per-row state); the grid reads rows by index.
 *
 * Filtering is incremental and sliced (`work`, a few milliseconds per frame): new entries join
 * the window at once and are tested oldest-first, and a new filter goes through the window
 * newest-first, so a filter that decodes every payload never blocks a frame, however many entries
 * arrive at once (a resumed feed delivers its backlog in a few large batches); the rows fill in
 * from the bottom up. Counters let the view keep its place when rows leave the front or join it.
 */
export class FeedWindow {
  private all: FeedEntry[] = [];
  private start = 0;
  /** The window's entries by correlation key, each list in id order. */
  private readonly calls = new Map<string, FeedEntry[]>();
  private rows = new RowList();
  private match: EntryPredicate = () => true;
  private whole = false;
  /** Whole-calls filter: the calls of which an entry matched. */
  private readonly matchedCalls = new Set<string>();
  /** A filter still going through the window: the index of the next entry to test, going down. */
  private job: { cursor: number; total: number; done: number } | undefined;
  /** Index of the first new entry the filter has not tested yet (they wait for `work`). */
  private untested = 0;
  filtered = false;
  /** Rows that ever left the front of the rows (the grid scrolls up by as many when not following). */
  rowsEvicted = 0;
  /** Rows that ever joined the front (a filter filling in older rows): the grid scrolls down by as many. */
  rowsPrepended = 0;
  /** Rows ever appended to the end (the "N new" counter compares two readings). */
  rowsAppended = 0;
  /** Entries pushed out of the window by newer ones (still in the host's buffer, maybe). */
  evicted = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.all.length - this.start;
  }

  get rowCount(): number {
    return this.rows.length;
  }

  rowAt(index: number): FeedEntry | undefined {
    return this.rows.at(index);
  }

  get oldestId(): number | undefined {
    return this.all[this.start]?.id;
  }

  get newestId(): number | undefined {
    return this.all[this.all.length - 1]?.id;
  }

  /** Undefined once the current filter has seen the whole window. */
  get progress(): FilterProgress | undefined {
    return this.job && { done: this.job.done, total: this.job.total };
  }

  /** New entries join the window; a filter tests them in `work`. */
  append(entries: readonly FeedEntry[]): void {
    for (const e of entries) {
      this.all.push(e);
      this.index(e);
      if (!this.filtered) this.addRow(e);
    }
    if (!this.filtered) this.untested = this.all.length;
    const over = this.size - this.capacity;
    if (over > 0) {
      for (let i = this.start; i < this.start + over; i++) this.unindex(this.all[i]!);
      this.start += over;
      this.evicted += over;
      // Entries that leave before the filter tested them are no row's loss.
      this.untested = Math.max(this.untested, this.start);
      this.rowsEvicted += this.rows.dropBefore(this.all[this.start]!.id);
    }
    this.compact();
  }

  /** Applies a filter to everything in the window, newest first, `work` slice by slice. */
  setFilter(filter: WindowFilter): void {
    this.filtered = filter.node !== undefined;
    this.whole = this.filtered && filter.wholeCalls;
    this.match = filter.node ? compileFilter(filter.node, filter.searchText) : () => true;
    this.matchedCalls.clear();
    this.untested = this.all.length;
    if (!this.filtered) {
      this.job = undefined;
      this.rows.reset(this.all.slice(this.start));
      return;
    }
    this.rows.reset([]);
    this.job = { cursor: this.all.length - 1, total: this.size, done: 0 };
  }

  /**
   * Tests entries against the filter for about `budgetMs`: new entries first (oldest first), then
   * the rest of the window for a new filter (newest first); true once nothing is left. A
   * whole-calls filter first finds its calls in the window, then shows their entries at once.
   */
  work(budgetMs: number, now: () => number = () => performance.now()): boolean {
    const deadline = now() + budgetMs;
    let n = 0;
    while (this.untested < this.all.length) {
      const e = this.all[this.untested++]!;
      if (this.whole) this.appendWhole(e);
      else if (this.match(e)) this.addRow(e);
      if ((++n & 127) === 0 && now() >= deadline) return false;
    }
    const job = this.job;
    if (!job) return true;
    while (job.cursor >= this.start) {
      const e = this.all[job.cursor--]!;
      job.done++;
      if (this.match(e)) {
        if (this.whole) this.matchedCalls.add(e.correlation);
        else {
          this.rows.prepend(e);
          this.rowsPrepended++;
        }
      }
      if ((++n & 127) === 0 && now() >= deadline) return false;
    }
    this.job = undefined;
    if (this.whole) {
      const rows: FeedEntry[] = [];
      for (let i = this.start; i < this.all.length; i++)
        if (this.matchedCalls.has(this.all[i]!.correlation)) rows.push(this.all[i]!);
      this.rows.reset(rows);
    }
    return true;
  }

  /** Older matches fetched from the host's buffer (before this window's first entry), in id order: they join the window's front. */
  prependOlder(entries: readonly FeedEntry[]): number {
    const first = this.oldestId ?? Infinity;
    const older = entries.filter((e) => e.id < first);
    if (older.length === 0) return 0;
    const shift = older.length - this.start;
    this.all = [...older, ...this.all.slice(this.start)];
    this.untested += shift;
    this.start = 0;
    for (let i = older.length - 1; i >= 0; i--) this.index(older[i]!, true);
    if (this.job) {
      // The filter still on its way down the window will reach them.
      this.job.cursor += shift;
      this.job.total += older.length;
      return older.length;
    }
    if (!this.filtered) {
      this.rows.reset(this.all.slice());
      this.rowsPrepended += older.length;
      return older.length;
    }
    let added = 0;
    if (this.whole) {
      // Older calls may widen: find their calls again.
      this.job = { cursor: this.all.length - 1, total: this.size, done: 0 };
      this.matchedCalls.clear();
      this.work(Infinity);
      return older.length;
    }
    for (let i = older.length - 1; i >= 0; i--) {
      if (!this.match(older[i]!)) continue;
      this.rows.prepend(older[i]!);
      added++;
    }
    this.rowsPrepended += added;
    return added;
  }

  /** Entries the host changed after delivering them (FeedBatch.revised): they replace the old ones. */
  revise(entries: readonly FeedEntry[]): void {
    for (const e of entries) {
      const at = this.indexInAll(e.id);
      if (at < 0) continue;
      const old = this.all[at]!;
      this.all[at] = e;
      this.unindex(old);
      this.index(e, true);
      const row = this.rows.indexOfId(e.id);
      if (row >= 0) this.rows.replaceAt(row, e);
      else if (this.filtered && !this.job && at < this.untested && this.match(e)) {
        if (this.whole) this.matchedCalls.add(e.correlation);
        this.rows.insert(e);
      }
    }
  }

  /** Position of an entry among the rows (binary search by id), or -1. */
  indexOfId(id: number): number {
    return this.rows.indexOfId(id);
  }

  /** Any entry of the window, shown as a row or not. */
  byId(id: number): FeedEntry | undefined {
    const at = this.indexInAll(id);
    return at < 0 ? undefined : this.all[at];
  }

  /** The window's entries of one call, in id order. */
  callEntries(correlation: string): readonly FeedEntry[] {
    return this.calls.get(correlation) ?? [];
  }

  /** Every entry of the window, in id order. */
  entries(): FeedEntry[] {
    return this.all.slice(this.start);
  }

  visibleRows(): FeedEntry[] {
    return this.rows.toArray();
  }

  clear(): void {
    this.all = [];
    this.start = 0;
    this.calls.clear();
    this.matchedCalls.clear();
    this.rows.reset([]);
    this.job = undefined;
    this.untested = 0;
  }

  private addRow(e: FeedEntry): void {
    this.rows.append(e);
    this.rowsAppended++;
  }

  /** A new entry under a whole-calls filter: its call's rows, and the whole call once one entry matches. */
  private appendWhole(e: FeedEntry): void {
    if (this.matchedCalls.has(e.correlation)) {
      if (!this.job) this.addRow(e);
      return;
    }
    if (!this.match(e)) return;
    this.matchedCalls.add(e.correlation);
    if (this.job) return;
    // The call's earlier entries join in their places.
    for (const hop of this.calls.get(e.correlation)!) {
      if (hop === e) this.addRow(e);
      else {
        this.rows.insert(hop);
        this.rowsAppended++;
      }
    }
  }

  private index(e: FeedEntry, inOrder = false): void {
    const list = this.calls.get(e.correlation);
    if (!list) this.calls.set(e.correlation, [e]);
    else if (!inOrder || list[list.length - 1]!.id < e.id) list.push(e);
    else
      list.splice(
        list.findIndex((x) => x.id > e.id),
        0,
        e,
      );
  }

  private unindex(e: FeedEntry): void {
    const list = this.calls.get(e.correlation);
    if (!list) return;
    const at = list[0] === e ? 0 : list.indexOf(e);
    if (at >= 0) list.splice(at, 1);
    if (list.length > 0) return;
    this.calls.delete(e.correlation);
    this.matchedCalls.delete(e.correlation);
  }

  private indexInAll(id: number): number {
    let lo = this.start;
    let hi = this.all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.all[mid]!.id;
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Drops the evicted prefix once it is as big as the window, so memory stays ~2× capacity. */
  private compact(): void {
    if (this.start < this.capacity) return;
    this.all = this.all.slice(this.start);
    if (this.job) this.job.cursor -= this.start;
    this.untested -= this.start;
    this.start = 0;
  }
}
