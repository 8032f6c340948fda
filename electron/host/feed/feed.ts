import type { FeedEntry, FeedFilter, FeedStats, RunTag } from '../../../shared/console-api/types.js';
import { Correlator, type Placement } from './correlation.js';
import { feedKind, rawField, type Sighting } from './entry.js';
import { FeedInterner } from './intern.js';
import { feedPredicate, wholeCalls, type SearchText } from '../../../shared/console-api/feed-filter.js';
import type { OperationNames } from '../../../shared/idl/operation-names.js';
import { epochNow } from '../../../shared/rpc/clock.js';
import { Ring } from './ring.js';
import { FeedSubscriber, type FeedSink, type SubscriberOptions } from './subscriber.js';

export const DEFAULT_FEED_CAPACITY = 100_000;
export const DEFAULT_RAW_LIMIT = 64 * 1024;
export const DEFAULT_RAW_BUDGET = 256 * 1024 * 1024;
/** Calls of runs whose later hops are still tagged; the oldest are forgotten past it. */
const MAX_TAGGED_CALLS = 10_000;
/** How far back a changed correlation key looks for entries to tag (the hops of one call are recent). */
const RETAG_WINDOW = 2_000;

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
  private readonly intern = new FeedInterner();
  private readonly subscribers = new Set<FeedSubscriber>();
  private readonly subscriberOptions: SubscriberOptions;
  private names: OperationNames | undefined;
  private evicted = 0;
  /** The run tag of what is being sent right now (see `tagged`). */
  private tagging: RunTag | undefined;
  /** Run tags by correlation key, so every hop of a tagged call is tagged. */
  private readonly tags = new Map<string, RunTag>();
  private readonly watchers = new Set<(entry: FeedEntry) => void>();

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
    const intern = this.intern;
    const { item } = this.append((id) => {
      const kind = feedKind(m);
      const raw = rawField(s.raw, this.rawLimit);
      // Every field is written here, in one order, even when undefined: all entries share one
      // hidden class with in-object fields (fields added later went to a second, out-of-object
      // store per entry, and a spread built the object on a slower path).
      const entry: FeedEntry = {
        id,
        time: s.time ?? epochNow(),
        hop: s.hop,
        direction: s.direction,
        endpoint: intern.string(s.endpoint),
        peer: intern.string(s.peer),
        userId: intern.string(s.userId ?? m.extra['__user_id__']),
        gateway: intern.string(s.gateway),
        kind,
        push: false,
        sequence: m.sequence,
        calltype: m.calltype,
        ifidx: m.ifidx,
        opidx: m.opidx,
        errcode: m.errcode,
        callId: m.callId,
        // Error RETURNs carry ifidx = opidx = 0 (spec §1.5): whatever interface 0 is, it is not
        // theirs; the correlator names them after the CALL they answer.
        interface: kind === 'error' ? undefined : found?.iface.qname,
        method: kind === 'error' ? undefined : found?.op?.name,
        extra: intern.extra(m.extra),
        size: s.size ?? s.raw.length,
        latencyMs: undefined,
        correlation: '',
        note: intern.string(s.note),
        mock: s.mock,
        run: undefined,
        raw: raw.raw,
        rawTruncated: raw.rawTruncated || s.truncated === true,
      };
      this.correlator.place(entry, placement);
      entry.correlation = intern.string(entry.correlation);
      this.tag(entry);
      return entry;
    });
    for (const watch of this.watchers) watch(item);
    return item;
  }

  /**
   * Entries recorded while `send` runs (links record what they send synchronously) carry `tag`,
   * and so does every later entry of the same calls (replies, other hops): a run's traffic can
   * be told apart in the feed.
   */
  tagged<T>(tag: RunTag, send: () => T): T {
    const before = this.tagging;
    this.tagging = tag;
    try {
      return send();
    } finally {
      this.tagging = before;
    }
  }

  /** Every entry as it is recorded, until the returned function is called (runs wait for pushes so). */
  watch(listener: (entry: FeedEntry) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private tag(entry: FeedEntry): void {
    const tag = this.tagging ?? this.tags.get(entry.correlation);
    if (!tag) return;
    entry.run = tag;
    if (this.tagging) this.rememberTag(entry.correlation, tag);
  }

  private rememberTag(correlation: string, tag: RunTag): void {
    if (correlation === '' || this.tags.has(correlation)) return;
    this.tags.set(correlation, tag);
    if (this.tags.size > MAX_TAGGED_CALLS) this.tags.delete(this.tags.keys().next().value!);
  }

  /**
   * A tagged call whose correlation key changed (its connection learned who it is at the
   * gateway) tags the recent entries of its new key too: the gateway's and back end's hops of a
   * connection's first call were recorded under that key before the console knew it.
   */
  private retag(revised: readonly FeedEntry[]): FeedEntry[] {
    const keys = new Map<string, RunTag>();
    for (const e of revised) {
      if (!e.run) continue;
      keys.set(e.correlation, e.run);
      this.rememberTag(e.correlation, e.run);
    }
    if (keys.size === 0) return [];
    const out: FeedEntry[] = [];
    for (const e of this.ring.after(Math.max(0, this.ring.nextId - 1 - RETAG_WINDOW))) {
      const tag = keys.get(e.correlation);
      if (tag && !e.run) {
        e.run = tag;
        out.push(e);
      }
    }
    return out;
  }

  /** Entries changed after they were recorded (see FeedBatch.revised): subscribers that had them get them again. */
  revise(entries: readonly FeedEntry[]): void {
    if (entries.length === 0) return;
    const revised = [...entries, ...this.retag(entries)];
    for (const s of this.subscribers) s.revise(revised);
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
    this.tags.clear();
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
