import type { FeedEntry, FeedFilter, FeedStats, RunTag } from '../../../shared/console-api/types.js';
import { Correlator, type Placement } from './correlation.js';
import { feedKind, type Sighting } from './entry.js';
import { EntryStore, type Amendment, type EntryFields } from './entry-store.js';
import { FeedInterner } from './intern.js';
import { feedPredicate, wholeCalls, type SearchText } from '../../../shared/console-api/feed-filter.js';
import type { OperationNames } from '../../../shared/idl/operation-names.js';
import { epochNow } from '../../../shared/rpc/clock.js';
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
   * Raw bytes (counted as the base64 characters they make) kept over all entries: past it the
   * oldest entries lose their bytes (not their fields), so large messages cannot make the ring
   * huge. Default 256 MiB.
   */
  rawBudget?: number;
}

/**
 * The live feed: every message seen at any hop, in a bounded ring. Recording writes the
 * entry's fields and bytes into an EntryStore (nothing of it on the V8 heap but shared values);
 * naming comes from the project's model, decoding is left for when someone asks (feed.decode).
 * Subscribers read the ring at their own pace.
 */
export class Feed {
  readonly capacity: number;
  readonly rawLimit: number;
  private readonly store: EntryStore;
  private readonly correlator: Correlator;
  private readonly intern = new FeedInterner();
  private readonly subscribers = new Set<FeedSubscriber>();
  private readonly subscriberOptions: SubscriberOptions;
  private names: OperationNames | undefined;
  /** The run tag of what is being sent right now (see `tagged`). */
  private tagging: RunTag | undefined;
  /** Run tags by correlation key, so every hop of a tagged call is tagged. */
  private readonly tags = new Map<string, RunTag>();
  private readonly watchers = new Set<(entry: FeedEntry) => void>();

  constructor(options: FeedOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_FEED_CAPACITY;
    this.rawLimit = options.rawLimit ?? DEFAULT_RAW_LIMIT;
    this.store = new EntryStore(this.capacity, options.rawBudget ?? DEFAULT_RAW_BUDGET);
    this.correlator = new Correlator(this.store);
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

  /** Records what a hop saw; returns the entry's id. */
  record(s: Sighting, placement: Placement): number {
    const m = s.message;
    const found = this.names?.lookup(m.ifidx, m.opidx);
    const intern = this.intern;
    const kind = feedKind(m);
    const entry: EntryFields = {
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
    };
    const opened = this.correlator.place(entry, placement);
    entry.correlation = intern.correlation(entry.correlation, entry.sequence);
    this.tag(entry);
    const cut = s.raw.length > this.rawLimit;
    const id = this.store.append(entry, cut ? s.raw.subarray(0, this.rawLimit) : s.raw, cut || s.truncated === true);
    if (opened !== undefined) this.correlator.opened(opened, id, entry);
    this.added(id);
    return id;
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

  private tag(entry: EntryFields): void {
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
  private retag(revised: readonly number[]): number[] {
    const keys = new Map<string, RunTag>();
    for (const id of revised) {
      const run = this.store.runOf(id);
      if (!run) continue;
      const correlation = this.store.correlationOf(id);
      keys.set(correlation, run);
      this.rememberTag(correlation, run);
    }
    if (keys.size === 0) return [];
    const out: number[] = [];
    for (let id = Math.max(1, this.store.nextId - 1 - RETAG_WINDOW); id < this.store.nextId; id++) {
      const tag = keys.get(this.store.correlationOf(id));
      if (tag && !this.store.runOf(id) && this.store.amend(id, { run: tag })) out.push(id);
    }
    return out;
  }

  /** Changes what a hop learned about an entry after recording it; false when it is no longer held. Call `revise` after. */
  amend(id: number, change: Amendment): boolean {
    return this.store.amend(id, change);
  }

  /** Entries changed after they were recorded (see FeedBatch.revised): subscribers that had them get them again. */
  revise(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const revised = [...ids, ...this.retag(ids)];
    for (const s of this.subscribers) s.revise(revised);
  }

  /** Adds entries read back from an export, with new ids. */
  restore(entries: Omit<FeedEntry, 'id'>[]): number {
    for (const { raw, rawTruncated, ...fields } of entries)
      this.store.append(fields, Buffer.from(raw, 'base64'), rawTruncated);
    for (const s of this.subscribers) s.notify();
    return entries.length;
  }

  /** A copy of the entry (changing it changes nothing in the feed: see `amend`). */
  get(id: number): FeedEntry | undefined {
    return this.store.get(id);
  }

  /**
   * Up to `limit` matching entries after `afterId`, oldest first. `searchText` lets free text
   * search decoded payloads. Throws FeedQueryError for a bad query.
   */
  query(afterId: number, limit: number, filter?: FeedFilter, searchText?: SearchText): FeedEntry[] {
    const matches = feedPredicate(filter, searchText);
    if (filter?.wholeCalls)
      return wholeCalls({ [Symbol.iterator]: () => this.store.after(afterId) }, matches).slice(0, limit);
    const out: FeedEntry[] = [];
    for (const e of this.store.after(afterId)) {
      if (!matches(e)) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Every held entry with the same correlation key, in order. */
  related(id: number): FeedEntry[] {
    const store = this.store;
    if (store.get(id) === undefined) return [];
    const key = store.correlationOf(id);
    const out: FeedEntry[] = [];
    for (let other = store.firstId!; other < store.nextId; other++)
      if (store.correlationOf(other) === key) out.push(store.get(other)!);
    return out;
  }

  select(ids: number[] | undefined, filter: FeedFilter | undefined, searchText?: SearchText): FeedEntry[] {
    const matches = feedPredicate(filter, searchText);
    if (!ids) return this.query(0, Number.MAX_SAFE_INTEGER, filter, searchText);
    return [...new Set(ids)]
      .sort((a, b) => a - b)
      .flatMap((id) => {
        const e = this.store.get(id);
        return e && matches(e) ? [e] : [];
      });
  }

  clear(): void {
    this.store.clear();
    this.correlator.clear();
    this.tags.clear();
    for (const s of this.subscribers) s.skipToEnd();
  }

  subscribe(sink: FeedSink, afterId = 0): FeedSubscriber {
    const subscriber = new FeedSubscriber(this.store, sink, afterId, this.subscriberOptions);
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
      size: this.store.length,
      evicted: this.store.evicted,
      droppedForSubscriber: subscriber?.dropped ?? 0,
      paused: subscriber?.isPaused ?? false,
      firstId: this.store.firstId,
      lastId: this.store.lastId,
    };
  }

  /** Tells subscribers and watchers that entry `id` was recorded. */
  private added(id: number): void {
    for (const s of this.subscribers) s.notify();
    if (this.watchers.size === 0) return;
    const entry = this.store.get(id)!;
    for (const watch of this.watchers) watch(entry);
  }
}
