import type { FeedEntry, FeedFilter, FeedStats } from '../../../shared/console-api/types.js';
import { Correlator, type Placement } from './correlation.js';
import { feedKind, rawField, type Sighting } from './entry.js';
import { feedPredicate, wholeCalls, type SearchText } from '../../../shared/console-api/feed-filter.js';
import type { OperationNames } from '../../../shared/idl/operation-names.js';
import { epochNow } from '../../../shared/rpc/clock.js';
import { Ring } from './ring.js';
import { FeedSubscriber, type FeedSink, type SubscriberOptions } from './subscriber.js';

export const DEFAULT_FEED_CAPACITY = 100_000;
export const DEFAULT_RAW_LIMIT = 64 * 1024;
export const DEFAULT_RAW_BUDGET = 256 * 1024 * 1024;

export interface FeedOptions extends SubscriberOptions {
  /** Entries held; the oldest are evicted past it. Default 100 000. */
  capacity?: number;
  /** Raw bytes kept per entry. Default 64 KiB. */
  rawLimit?: number;
  /**
   * Raw bytes (as base64 characters) kept over all entries: past it the oldest entries lose
   * their bytes (not their fields), so large messages cannot make the ring huge. Default 256 MiB.
   */
  rawBudget?: number;
}

/**
 * The live feed: every message seen at any hop, in a bounded ring. Recording costs one object
 * and one base64 copy of the bytes; naming comes from the project's model, decoding is left
 * for when someone asks (feed.decode). Subscribers read the ring at their own pace.
 */
export class Feed {
  readonly capacity: number;
  readonly rawLimit: number;
  private readonly rawBudget: number;
  /** Base64 characters held in entries' `raw`. */
  private rawHeld = 0;
  /** Entries before this id hold no raw bytes any more. */
  private rawFrom = 1;
  private readonly ring: Ring<FeedEntry>;
  private readonly correlator = new Correlator();
  private readonly subscribers = new Set<FeedSubscriber>();
  private readonly subscriberOptions: SubscriberOptions;
  private names: OperationNames | undefined;
  private evicted = 0;

  constructor(options: FeedOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_FEED_CAPACITY;
    this.rawLimit = options.rawLimit ?? DEFAULT_RAW_LIMIT;
    this.rawBudget = options.rawBudget ?? DEFAULT_RAW_BUDGET;
    this.ring = new Ring(this.capacity);
    this.subscriberOptions = {
      maxRate: options.maxRate,
      maxBatch: options.maxBatch,
      maxBatchRaw: options.maxBatchRaw,
      maxMessage: options.maxMessage,
    };
  }

  /** The model names are resolved against (the open project's); undefined leaves entries unnamed. */
  setNames(names: OperationNames | undefined): void {
    this.names = names;
  }

  record(s: Sighting, placement: Placement): FeedEntry {
    const m = s.message;
    const found = this.names?.lookup(m.ifidx, m.opidx);
    const { item } = this.append((id) => {
      const entry: FeedEntry = {
        id,
        time: s.time ?? epochNow(),
        hop: s.hop,
        direction: s.direction,
        endpoint: s.endpoint,
        peer: s.peer,
        userId: s.userId ?? m.extra['__user_id__'],
        gateway: s.gateway,
        kind: feedKind(m),
        push: false,
        sequence: m.sequence,
        calltype: m.calltype,
        ifidx: m.ifidx,
        opidx: m.opidx,
        errcode: m.errcode,
        callId: m.callId,
        interface: found?.iface.qname,
        method: found?.op?.name,
        // A copy: a forwarding hop may stamp the same message's extra after telling us about it.
        extra: { ...m.extra },
        size: s.size ?? s.raw.length,
        correlation: '',
        note: s.note,
        ...rawField(s.raw, this.rawLimit),
      };
      if (s.truncated) entry.rawTruncated = true;
      if (s.mock) entry.mock = s.mock;
      // Error RETURNs carry ifidx = opidx = 0 (spec §1.5): whatever interface 0 is, it is not
      // theirs; the correlator names them after the CALL they answer.
      if (entry.kind === 'error') entry.interface = entry.method = undefined;
      this.correlator.place(entry, placement);
      return entry;
    });
    return item;
  }

  /** Entries changed after they were recorded (see FeedBatch.revised): subscribers that had them get them again. */
  revise(entries: readonly FeedEntry[]): void {
    if (entries.length === 0) return;
    for (const s of this.subscribers) s.revise(entries);
  }

  /** Adds entries read back from an export, with new ids. */
  restore(entries: Omit<FeedEntry, 'id'>[]): number {
    for (const e of entries) this.append((id) => ({ id, ...e }));
    return entries.length;
  }

  get(id: number): FeedEntry | undefined {
    return this.ring.get(id);
  }

  /**
   * Up to `limit` matching entries after `afterId`, oldest first. `searchText` lets free text
   * search decoded payloads. Throws FeedQueryError for a bad query.
   */
  query(afterId: number, limit: number, filter?: FeedFilter, searchText?: SearchText): FeedEntry[] {
    const matches = feedPredicate(filter, searchText);
    if (filter?.wholeCalls)
      return wholeCalls({ [Symbol.iterator]: () => this.ring.after(afterId) }, matches).slice(0, limit);
    const out: FeedEntry[] = [];
    for (const e of this.ring.after(afterId)) {
      if (!matches(e)) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Every held entry with the same correlation key, in order. */
  related(id: number): FeedEntry[] {
    const entry = this.ring.get(id);
    if (!entry) return [];
    const out: FeedEntry[] = [];
    for (const e of this.ring.after(0)) if (e.correlation === entry.correlation) out.push(e);
    return out;
  }

  select(ids: number[] | undefined, filter: FeedFilter | undefined, searchText?: SearchText): FeedEntry[] {
    const matches = feedPredicate(filter, searchText);
    if (!ids) return this.query(0, Number.MAX_SAFE_INTEGER, filter, searchText);
    return [...new Set(ids)]
      .sort((a, b) => a - b)
      .flatMap((id) => {
        const e = this.ring.get(id);
        return e && matches(e) ? [e] : [];
      });
  }

  clear(): void {
    this.ring.clear();
    this.correlator.clear();
    this.evicted = 0;
    this.rawHeld = 0;
    this.rawFrom = this.ring.nextId;
    for (const s of this.subscribers) s.skipToEnd();
  }

  subscribe(sink: FeedSink, afterId = 0): FeedSubscriber {
    const subscriber = new FeedSubscriber(this.ring, sink, afterId, this.subscriberOptions);
    this.subscribers.add(subscriber);
    return subscriber;
  }

  unsubscribe(subscriber: FeedSubscriber): void {
    subscriber.close();
    this.subscribers.delete(subscriber);
  }

  stats(subscriber?: FeedSubscriber): FeedStats {
    return {
      capacity: this.capacity,
      size: this.ring.size,
      evicted: this.evicted,
      droppedForSubscriber: subscriber?.dropped ?? 0,
      paused: subscriber?.isPaused ?? false,
      firstId: this.ring.firstId,
      lastId: this.ring.lastId,
    };
  }

  private append(build: (id: number) => FeedEntry): { item: FeedEntry } {
    const pushed = this.ring.push(build);
    this.rawHeld += pushed.item.raw.length;
    if (pushed.evicted) {
      this.evicted++;
      this.rawHeld -= pushed.evicted.raw.length;
    }
    if (this.rawHeld > this.rawBudget) this.shedRaw();
    for (const s of this.subscribers) s.notify();
    return pushed;
  }

  /** Drops the bytes of the oldest entries until the raw budget holds again. */
  private shedRaw(): void {
    this.rawFrom = Math.max(this.rawFrom, this.ring.firstId ?? this.ring.nextId);
    while (this.rawHeld > this.rawBudget && this.rawFrom < this.ring.nextId - 1) {
      const entry = this.ring.get(this.rawFrom++)!;
      this.rawHeld -= entry.raw.length;
      entry.raw = '';
      entry.rawTruncated = true;
    }
  }
}
