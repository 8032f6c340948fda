/** Taken items before the array is cut: below this a shift never copies. */
const COMPACT_AFTER = 1024;

/**
 * A first-in first-out queue on an array with a moving head: push and shift are amortized O(1)
 * and memory stays proportional to what is held. A plain `array.shift()` is O(n), and a bare
 * head index keeps every taken item reachable (and the array growing) until the queue empties,
 * which under steady load it never does: the taken prefix is cut off once it is at least half
 * the array.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Items held. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Array slots in use, taken ones included: at most 2 × length + 1024. What it costs in memory. */
  get footprint(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts an item back in front (a redelivery): O(1) after a shift, O(n) otherwise. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Takes the oldest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // no longer reachable from here
    if (this.head === this.items.length) this.clear();
    else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keeps only the items `keep` accepts, in order: O(length). */
  retain(keep: (item: T) => boolean): void {
    const kept: T[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (keep(item)) kept.push(item);
    }
    this.items = kept;
    this.head = 0;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}
