import type { FeedBatch, FeedEntry } from '../../../shared/console-api/types.js';
import type { EntryStore } from './entry-store.js';

/** Where one bridge session's batches go. */
export interface FeedSink {
  deliver(batch: FeedBatch): void;
  /** True while the bridge cannot take more (a WebSocket's send buffer is full, IPC batches unacknowledged). */
  backedUp(): boolean;
}

export interface SubscriberOptions {
  /** At most this many batches per second. Default 30. */
  maxRate?: number;
  /** Entries per batch (per flush); the rest follow in the next batch. Default 5 000. */
  maxBatch?: number;
  /** Raw bytes (base64 characters) per batch, so one frame stays a few MiB. Default 4 MiB. */
  maxBatchRaw?: number;
  /**
   * Entries per message: a batch goes out as several messages of at most this many, because a
   * browser parses each message in one task and draws no frame meanwhile (5 000 entries in one
   * message took 200-600 ms on the project's machine). Default 500.
   */
  maxMessage?: number;
}

const MAX_REVISED = 1000;

/**
 * One subscriber's cursor over the ring. Batches go out at most `maxRate` times per second and
 * never wait for the sink: while it is backed up (or paused) entries simply stay in the ring,
 * and those the ring evicts before this subscriber got them are counted and reported as
 * `dropped` in the next batch. So a slow subscriber costs the network side nothing.
 */
export class FeedSubscriber {
  private cursor: number;
  private paused = false;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private droppedTotal = 0;
  private closed = false;
  /** Ids of delivered entries that changed since (FeedBatch.revised), sent with the next batch. */
  private revised: number[] = [];
  private readonly interval: number;
  private readonly maxBatch: number;
  private readonly maxBatchRaw: number;
  private readonly maxMessage: number;

  constructor(
    private readonly ring: EntryStore,
    private readonly sink: FeedSink,
    afterId: number,
    options: SubscriberOptions = {},
  ) {
    this.interval = 1000 / (options.maxRate ?? 30);
    this.maxBatch = options.maxBatch ?? 5_000;
    this.maxBatchRaw = options.maxBatchRaw ?? 4 * 1024 * 1024;
    this.maxMessage = Math.max(1, options.maxMessage ?? 500);
    // Entries evicted before the subscription are not this subscriber's loss.
    this.cursor = Math.max(afterId, this.oldestHeld() - 1);
    this.notify();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Entries this subscriber will never get: reported ones plus those evicted since the last batch. */
  get dropped(): number {
    return this.droppedTotal + this.pendingDrops();
  }

  /** New entries are in the ring. */
  notify(): void {
    if (this.paused || this.closed || this.timer || (this.ring.nextId - 1 <= this.cursor && this.revised.length === 0))
      return;
    const wait = Math.max(0, this.lastFlush + this.interval - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  /** These entries changed: those this subscriber already got go out again with the next batch (at most MAX_REVISED). */
  revise(ids: readonly number[]): void {
    for (const id of ids) if (id <= this.cursor && this.revised.length < MAX_REVISED) this.revised.push(id);
    this.notify();
  }

  pause(): void {
    this.paused = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    this.paused = false;
    this.notify();
  }

  /** The ring was cleared: nothing before now is owed. */
  skipToEnd(): void {
    this.cursor = this.ring.nextId - 1;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private oldestHeld(): number {
    return this.ring.firstId ?? this.ring.nextId;
  }

  private pendingDrops(): number {
    return Math.max(0, this.oldestHeld() - 1 - this.cursor);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.paused || this.closed) return;
    this.lastFlush = performance.now();
    if (this.sink.backedUp()) {
      this.retryLater();
      return;
    }
    const dropped = this.pendingDrops();
    if (dropped > 0) this.cursor += dropped;
    const entries: FeedEntry[] = [];
    let raw = 0;
    for (const entry of this.ring.after(this.cursor)) {
      entries.push(entry);
      raw += entry.raw.length;
      if (entries.length >= this.maxBatch || raw >= this.maxBatchRaw) break;
    }
    if (entries.length > 0) this.cursor = entries[entries.length - 1]!.id;
    this.droppedTotal += dropped;
    // As they are now: a revision made twice goes out once, one evicted meanwhile not at all.
    const revised = [...new Set(this.revised)].flatMap((id) => this.ring.get(id) ?? []);
    this.revised = [];
    if (entries.length > 0 || dropped > 0 || revised.length > 0) {
      for (let start = 0; start === 0 || start < entries.length; start += this.maxMessage) {
        const slice: FeedBatch = { entries: entries.slice(start, start + this.maxMessage), dropped: 0 };
        if (start === 0) slice.dropped = dropped;
        if (start === 0 && revised.length > 0) slice.revised = revised;
        if (start + this.maxMessage < entries.length) slice.more = true;
        this.sink.deliver(slice);
      }
    }
    this.notify();
  }

  /** A backed-up sink is asked again next interval, even if nothing new arrives meanwhile. */
  private retryLater(): void {
    this.timer = setTimeout(() => this.flush(), this.interval);
    this.timer.unref();
  }
}
