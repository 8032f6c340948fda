const MIN_BUCKETS = 64;

/** What a SequenceTable holds: items numbered by sequence, chained within a bucket by the table. */
export interface Sequenced<T> {
  readonly sequence: number;
  /** The next item in the same bucket; the table's own. */
  chain: T | undefined;
}

/**
 * Items by sequence in a power-of-two array of chained buckets. Sequences are mostly
 * consecutive, so the buckets fill evenly; unlike a Map under constant insert/delete churn it
 * allocates nothing per item (a Map reallocated its table constantly with 64 calls coming and
 * going).
 */
export class SequenceTable<T extends Sequenced<T>> {
  private buckets: (T | undefined)[] = new Array<T | undefined>(MIN_BUCKETS).fill(undefined);
  size = 0;

  get(sequence: number): T | undefined {
    let item = this.buckets[sequence & (this.buckets.length - 1)];
    while (item !== undefined && item.sequence !== sequence) item = item.chain;
    return item;
  }

  add(item: T): void {
    if (this.size >= this.buckets.length) this.resize(this.buckets.length * 2);
    const i = item.sequence & (this.buckets.length - 1);
    item.chain = this.buckets[i];
    this.buckets[i] = item;
    this.size++;
  }

  /** Takes out the item with this sequence (the newest, if several), and returns it. */
  remove(sequence: number): T | undefined {
    const i = sequence & (this.buckets.length - 1);
    let prev: T | undefined;
    let item = this.buckets[i];
    while (item !== undefined && item.sequence !== sequence) {
      prev = item;
      item = item.chain;
    }
    if (item === undefined) return undefined;
    if (prev) prev.chain = item.chain;
    else this.buckets[i] = item.chain;
    item.chain = undefined;
    // A burst's buckets are given back once it is over.
    if (--this.size < this.buckets.length / 8 && this.buckets.length > MIN_BUCKETS)
      this.resize(this.buckets.length / 2);
    return item;
  }

  /** Empties the table and returns what it held. */
  drain(): T[] {
    const all: T[] = [];
    for (let item of this.buckets) for (; item !== undefined; item = item.chain) all.push(item);
    this.buckets = new Array<T | undefined>(MIN_BUCKETS).fill(undefined);
    this.size = 0;
    return all;
  }

  private resize(length: number): void {
    const old = this.buckets;
    this.buckets = new Array<T | undefined>(length).fill(undefined);
    for (let item of old) {
      while (item !== undefined) {
        const next = item.chain;
        const i = item.sequence & (length - 1);
        item.chain = this.buckets[i];
        this.buckets[i] = item;
        item = next;
      }
    }
  }
}
