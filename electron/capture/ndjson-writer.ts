import type { Writable } from 'node:stream';
import type { DecodedPayload, FeedEntry } from '../../shared/console-api/types.js';
import { ndjsonLine } from '../../shared/console-api/feed-ndjson.js';
import type { Feed } from '../host/feed/feed.js';

export interface CaptureWriterOptions {
  feed: Feed;
  decode: (entry: FeedEntry) => DecodedPayload;
  out: Writable;
  /** End `out` at finish (not for standard output, which cannot be closed). Default true. */
  end?: boolean;
  /**
   * How long an entry waits before it is written: a proxy re-keys a connection's first entries
   * once the gateway names its user (FeedBatch.revised in the console); a file cannot be revised,
   * so lines wait for that instead. Everything left is written at stop. Default 1 000 ms.
   */
  lagMs?: number;
  /** Stop after this many entries. */
  count?: number;
  /** Entries the feed evicted before they could be written (the writer was too slow). */
  onDropped?: (count: number) => void;
}

const BATCH = 5_000;
const TICK_MS = 100;

/**
 * Writes the feed as NDJSON, one entry per line with its decoded payload (the console's export
 * format), in order, each entry once. Honours the output's backpressure: while it is full,
 * entries wait in the feed's ring (bounded; what it evicts meanwhile is reported as dropped).
 */
export class CaptureWriter {
  private afterId: number;
  private readonly startId: number;
  private written = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly reached: Promise<void>;
  private reach!: () => void;

  constructor(private readonly options: CaptureWriterOptions) {
    this.afterId = this.startId = options.feed.stats().lastId ?? 0;
    this.reached = new Promise((resolve) => (this.reach = resolve));
  }

  get count(): number {
    return this.written;
  }

  /** Resolves once `count` entries were recorded (never without a count). */
  get countReached(): Promise<void> {
    return this.reached;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.pump(false));
    }, TICK_MS);
  }

  /** Writes everything still held (up to `count`) and ends the output. */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    await this.pump(true);
    const { out } = this.options;
    await new Promise<void>((resolve) =>
      this.options.end === false ? out.write('', () => resolve()) : out.end(resolve),
    );
  }

  private recorded(): number {
    return (this.options.feed.stats().lastId ?? 0) - this.startId;
  }

  private async pump(final: boolean): Promise<void> {
    const { feed, count, out } = this.options;
    const lag = final ? 0 : (this.options.lagMs ?? 1_000);
    if (count !== undefined && this.recorded() >= count) this.reach();
    for (;;) {
      const left = count === undefined ? BATCH : Math.min(BATCH, count - this.written);
      if (left <= 0) return;
      const entries = feed.query(this.afterId, left);
      const first = entries[0];
      if (!first) return;
      if (first.id > this.afterId + 1) this.options.onDropped?.(first.id - this.afterId - 1);
      const now = Date.now();
      let text = '';
      for (const e of entries) {
        if (now - e.time < lag) break;
        text += `${ndjsonLine(e, this.options.decode)}\n`;
        this.afterId = e.id;
        this.written++;
      }
      if (text === '') return;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  }
}
