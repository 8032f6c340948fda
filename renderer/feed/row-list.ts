import type { FeedEntry } from '../../shared/console-api/index.js';

/**
 * The rows a filter keeps, in id order, as two arrays: `back` grows at the end (new entries),
 * `front` holds older rows newest-first, so filtering the window from its newest entry
 * backwards, and dropping the oldest rows, cost O(1) per row. Index 0 is the oldest row.
 */
export class RowList {
  /** Older rows, newest first: front[front.length - 1] is row 0. */
  private front: FeedEntry[] = [];
  private back: FeedEntry[] = [];
  /** Rows of `back` before this index were dropped. */
  private backStart = 0;

  get length(): number {
    return this.front.length + this.back.length - this.backStart;
  }

  at(index: number): FeedEntry | undefined {
    const f = this.front.length;
    return index < f ? this.front[f - 1 - index] : this.back[this.backStart + index - f];
  }

  /** A row newer than every row held. */
  append(entry: FeedEntry): void {
    this.back.push(entry);
  }

  /** A row older than every row held. */
  prepend(entry: FeedEntry): void {
    this.front.push(entry);
  }

  /** A row anywhere, by id (rare: a call's earlier hops joining a "whole calls" filter). */
  insert(entry: FeedEntry): void {
    const at = this.insertionPoint(entry.id);
    const f = this.front.length;
    if (at === this.length) this.back.push(entry);
    else if (at < f) this.front.splice(f - at, 0, entry);
    else this.back.splice(this.backStart + at - f, 0, entry);
  }

  replaceAt(index: number, entry: FeedEntry): void {
    const f = this.front.length;
    if (index < f) this.front[f - 1 - index] = entry;
    else this.back[this.backStart + index - f] = entry;
  }

  /** Drops the rows with ids below `id`; returns how many. */
  dropBefore(id: number): number {
    let n = 0;
    while (this.front.length > 0 && this.front[this.front.length - 1]!.id < id) {
      this.front.pop();
      n++;
    }
    if (this.front.length === 0) {
      while (this.backStart < this.back.length && this.back[this.backStart]!.id < id) {
        this.backStart++;
        n++;
      }
      // Keeps the dropped prefix from growing without bound.
      if (this.backStart > 4096 && this.backStart * 2 > this.back.length) {
        this.back = this.back.slice(this.backStart);
        this.backStart = 0;
      }
    }
    return n;
  }

  /** Position of the row with this id (binary search), or -1. */
  indexOfId(id: number): number {
    const at = this.insertionPoint(id);
    return this.at(at)?.id === id ? at : -1;
  }

  /** The first index whose row's id is ≥ id. */
  private insertionPoint(id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid)!.id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  toArray(): FeedEntry[] {
    return [...this.front].reverse().concat(this.back.slice(this.backStart));
  }

  /** Replaces every row (in id order). */
  reset(rows: FeedEntry[]): void {
    this.front = [];
    this.back = rows;
    this.backStart = 0;
  }
}
