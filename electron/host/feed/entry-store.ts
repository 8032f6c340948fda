import type { FeedEntry, FeedHop, FeedKind, MockSource, RunTag } from '../../../shared/console-api/types.js';
import type { Extra } from '../../../shared/wire/message.js';
import { ByteRing } from './byte-ring.js';

/** An entry as recorded: everything but its id and its bytes. */
export type EntryFields = Omit<FeedEntry, 'id' | 'raw' | 'rawTruncated'>;

/** The fields a hop may learn about an entry after recording it (FeedBatch.revised). */
export type Amendment = Partial<Pick<FeedEntry, 'correlation' | 'userId' | 'gateway' | 'note' | 'run'>>;

const HOPS: readonly FeedHop[] = ['console', 'proxy', 'gateway', 'queue', 'server'];
const KINDS: readonly FeedKind[] = ['call', 'oneway', 'return', 'error'];
const PUSH = 1;
const OUT = 2;
const RAW_TRUNCATED = 4;

/** Base64 characters for `n` bytes: the raw budget's unit. */
const base64Length = (n: number): number => 4 * Math.ceil(n / 3);

const slots = <T>(capacity: number): T[] => Array.from({ length: capacity });

/**
 * The feed's entries in columns: numbers in typed arrays, strings and extras as references to
 * shared (interned) values, raw bytes in a ByteRing. A ring of 100 000 entries recorded for
 * seconds each made every entry an object, and a base64 string, that died old — most of the
 * host's old-generation garbage at full rate. Here recording allocates nothing that outlives
 * it: entries become FeedEntry objects only when someone reads them (batches, queries), and
 * those die young. Ids are consecutive; pushing past capacity evicts the oldest.
 */
export class EntryStore {
  readonly capacity: number;
  private head = 0;
  private count = 0;
  private next = 1;
  private evictedCount = 0;

  private readonly time: Float64Array;
  private readonly sequence: Float64Array;
  private readonly calltype: Float64Array;
  private readonly ifidx: Float64Array;
  private readonly opidx: Float64Array;
  private readonly errcode: Float64Array;
  private readonly callId: Float64Array;
  private readonly size: Float64Array;
  /** NaN: none. */
  private readonly latency: Float64Array;
  private readonly hop: Uint8Array;
  private readonly kind: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly endpoint: (string | undefined)[];
  private readonly peer: (string | undefined)[];
  private readonly userId: (string | undefined)[];
  private readonly gateway: (string | undefined)[];
  private readonly iface: (string | undefined)[];
  private readonly method: (string | undefined)[];
  private readonly extra: (Extra | undefined)[];
  private readonly correlation: (string | undefined)[];
  private readonly note: (string | undefined)[];
  private readonly mock: (MockSource | undefined)[];
  private readonly run: (RunTag | undefined)[];

  private readonly bytes = new ByteRing();
  /** Where each entry's bytes are in `bytes`, and how many. */
  private readonly rawAt: Float64Array;
  private readonly rawLength: Uint32Array;
  /** Base64 characters the held bytes make; past the budget the oldest entries lose theirs. */
  private rawHeld = 0;
  /** Entries before this id hold no bytes any more. */
  private rawFrom = 1;

  constructor(
    capacity: number,
    private readonly rawBudget: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    const numbers = () => new Float64Array(capacity);
    this.time = numbers();
    this.sequence = numbers();
    this.calltype = numbers();
    this.ifidx = numbers();
    this.opidx = numbers();
    this.errcode = numbers();
    this.callId = numbers();
    this.size = numbers();
    this.latency = numbers();
    this.rawAt = numbers();
    this.rawLength = new Uint32Array(capacity);
    this.hop = new Uint8Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.endpoint = slots(capacity);
    this.peer = slots(capacity);
    this.userId = slots(capacity);
    this.gateway = slots(capacity);
    this.iface = slots(capacity);
    this.method = slots(capacity);
    this.extra = slots(capacity);
    this.correlation = slots(capacity);
    this.note = slots(capacity);
    this.mock = slots(capacity);
    this.run = slots(capacity);
  }

  get length(): number {
    return this.count;
  }

  get evicted(): number {
    return this.evictedCount;
  }

  /** Id of the oldest entry held; undefined when empty. */
  get firstId(): number | undefined {
    return this.count === 0 ? undefined : this.next - this.count;
  }

  get lastId(): number | undefined {
    return this.count === 0 ? undefined : this.next - 1;
  }

  /** The id the next entry will get. Ids never restart, not even after clear(). */
  get nextId(): number {
    return this.next;
  }

  /** Stores an entry with its bytes (already cut to the raw limit); returns its id. */
  append(e: EntryFields, raw: Uint8Array, rawTruncated: boolean): number {
    if (this.count === this.capacity) this.evictOldest();
    const i = (this.head + this.count) % this.capacity;
    this.count++;
    const id = this.next++;
    this.time[i] = e.time;
    this.sequence[i] = e.sequence;
    this.calltype[i] = e.calltype;
    this.ifidx[i] = e.ifidx;
    this.opidx[i] = e.opidx;
    this.errcode[i] = e.errcode;
    this.callId[i] = e.callId;
    this.size[i] = e.size;
    this.latency[i] = e.latencyMs ?? NaN;
    this.hop[i] = HOPS.indexOf(e.hop);
    this.kind[i] = KINDS.indexOf(e.kind);
    this.flags[i] = (e.push ? PUSH : 0) | (e.direction === 'out' ? OUT : 0) | (rawTruncated ? RAW_TRUNCATED : 0);
    this.endpoint[i] = e.endpoint;
    this.peer[i] = e.peer;
    this.userId[i] = e.userId;
    this.gateway[i] = e.gateway;
    this.iface[i] = e.interface;
    this.method[i] = e.method;
    this.extra[i] = e.extra;
    this.correlation[i] = e.correlation;
    this.note[i] = e.note;
    this.mock[i] = e.mock;
    this.run[i] = e.run;
    this.rawAt[i] = this.bytes.append(raw);
    this.rawLength[i] = raw.length;
    this.rawHeld += base64Length(raw.length);
    if (this.rawHeld > this.rawBudget) this.shedRaw();
    return id;
  }

  /** The entry as a FeedEntry of its own (changing it changes nothing here). */
  get(id: number): FeedEntry | undefined {
    const i = this.slot(id);
    return i === undefined ? undefined : this.entryAt(id, i);
  }

  /** Entries with ids after `afterId`, oldest first. */
  *after(afterId: number): IterableIterator<FeedEntry> {
    for (let id = Math.max(this.next - this.count, afterId + 1); id < this.next; id++)
      yield this.entryAt(id, this.slot(id)!);
  }

  /** The correlation key of a held entry ('' when it is gone). */
  correlationOf(id: number): string {
    const i = this.slot(id);
    return i === undefined ? '' : this.correlation[i]!;
  }

  /** What hops may learn of a held entry after recording it (see amend). */
  learnedOf(id: number): Pick<FeedEntry, 'correlation' | 'userId' | 'gateway'> | undefined {
    const i = this.slot(id);
    return i === undefined
      ? undefined
      : { correlation: this.correlation[i]!, userId: this.userId[i], gateway: this.gateway[i] };
  }

  runOf(id: number): RunTag | undefined {
    const i = this.slot(id);
    return i === undefined ? undefined : this.run[i];
  }

  /** Changes what a hop learned later; false when the entry is gone. */
  amend(id: number, change: Amendment): boolean {
    const i = this.slot(id);
    if (i === undefined) return false;
    if ('correlation' in change) this.correlation[i] = change.correlation!;
    if ('userId' in change) this.userId[i] = change.userId;
    if ('gateway' in change) this.gateway[i] = change.gateway;
    if ('note' in change) this.note[i] = change.note;
    if ('run' in change) this.run[i] = change.run;
    return true;
  }

  clear(): void {
    this.head = (this.head + this.count) % this.capacity;
    this.count = 0;
    this.evictedCount = 0;
    this.bytes.clear();
    this.rawHeld = 0;
    this.rawFrom = this.next;
  }

  private slot(id: number): number | undefined {
    const first = this.next - this.count;
    if (!Number.isInteger(id) || id < first || id >= this.next) return undefined;
    return (this.head + (id - first)) % this.capacity;
  }

  private entryAt(id: number, i: number): FeedEntry {
    const flags = this.flags[i]!;
    const latency = this.latency[i]!;
    // Every field in one order, even when undefined: all entries share one hidden class.
    return {
      id,
      time: this.time[i]!,
      hop: HOPS[this.hop[i]!]!,
      direction: (flags & OUT) !== 0 ? 'out' : 'in',
      endpoint: this.endpoint[i]!,
      peer: this.peer[i],
      userId: this.userId[i],
      gateway: this.gateway[i],
      kind: KINDS[this.kind[i]!]!,
      push: (flags & PUSH) !== 0,
      sequence: this.sequence[i]!,
      calltype: this.calltype[i]!,
      ifidx: this.ifidx[i]!,
      opidx: this.opidx[i]!,
      errcode: this.errcode[i]!,
      callId: this.callId[i]!,
      interface: this.iface[i],
      method: this.method[i],
      extra: this.extra[i]!,
      size: this.size[i]!,
      latencyMs: Number.isNaN(latency) ? undefined : latency,
      correlation: this.correlation[i]!,
      note: this.note[i],
      mock: this.mock[i],
      run: this.run[i],
      raw: this.bytes.base64(this.rawAt[i]!, this.rawLength[i]!),
      rawTruncated: (flags & RAW_TRUNCATED) !== 0,
    };
  }

  /** Called only to make room for the entry about to take the same slot, which overwrites every column. */
  private evictOldest(): void {
    const id = this.next - this.count;
    const i = this.head;
    if (id >= this.rawFrom) {
      this.rawHeld -= base64Length(this.rawLength[i]!);
      this.rawFrom = id + 1;
    }
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.evictedCount++;
    this.releaseBytes();
  }

  /** Drops the bytes of the oldest entries (not their fields) until the raw budget holds again. */
  private shedRaw(): void {
    this.rawFrom = Math.max(this.rawFrom, this.next - this.count);
    while (this.rawHeld > this.rawBudget && this.rawFrom < this.next - 1) {
      const i = this.slot(this.rawFrom++)!;
      this.rawHeld -= base64Length(this.rawLength[i]!);
      this.rawLength[i] = 0;
      this.flags[i]! |= RAW_TRUNCATED;
    }
    this.releaseBytes();
  }

  /** Bytes before the oldest entry that still holds some are free for reuse. */
  private releaseBytes(): void {
    const i = this.slot(this.rawFrom);
    if (i === undefined) this.bytes.clear();
    else this.bytes.releaseBefore(this.rawAt[i]!);
  }
}
