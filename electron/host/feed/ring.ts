/**
 * A fixed-capacity ring of items numbered by consecutive ids: pushing past capacity evicts
 * the oldest, and an id finds its item in O(1) (its slot is `id - firstId` past the head).
 */
export class Ring<T> {
  private slots: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** The id the next pushed item gets. Ids never restart, not even after clear(). */
  private next = 1;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Id of the oldest item held; undefined when empty. */
  get firstId(): number | undefined {
    return this.count === 0 ? undefined : this.next - this.count;
  }

  get lastId(): number | undefined {
    return this.count === 0 ? undefined : this.next - 1;
  }

  /** The id the next item will get. */
  get nextId(): number {
    return this.next;
  }

  /** Stores the item built for the next id; returns it, and the oldest item if it was evicted for it. */
  push(build: (id: number) => T): { item: T; evicted: T | undefined } {
    const item = build(this.next);
    const slot = (this.head + this.count) % this.capacity;
    const evicted = this.count === this.capacity ? this.slots[slot] : undefined;
    this.slots[slot] = item;
    if (this.count === this.capacity) this.head = (this.head + 1) % this.capacity;
    else this.count++;
    this.next++;
    return { item, evicted };
  }

  get(id: number): T | undefined {
    const first = this.next - this.count;
    if (!Number.isInteger(id) || id < first || id >= this.next) return undefined;
    return this.slots[(this.head + (id - first)) % this.capacity];
  }

  /** Items with ids after `afterId`, oldest first. */
  *after(afterId: number): IterableIterator<T> {
    const first = this.next - this.count;
    for (let id = Math.max(first, afterId + 1); id < this.next; id++)
      yield this.slots[(this.head + (id - first)) % this.capacity]!;
  }

  clear(): void {
    this.slots = new Array<T | undefined>(this.capacity);
    this.head = 0;
    this.count = 0;
  }
}
