import { SequenceTable, type Sequenced } from './sequence-table.js';
import type { RpcMessage } from '../wire/message.js';
import { decodeResult, type ResultDecoder } from './call.js';
import { ErrorCode, RpcError, errorCodeName, errorDescription } from './errors.js';

/** Default wait for a reply (spec §6.3: Python 30 s, Java 30 000 ms). */
export const DEFAULT_CALL_TIMEOUT = 30_000;
/** Default bound on calls awaiting a reply per table. */
export const DEFAULT_MAX_IN_FLIGHT = 10_000;
/** Sequences stay below 2^31: Java and C# peers read them as signed int32 (spec §9.1). */
export const MAX_SEQUENCE = 0x7fffffff;
/** setTimeout's own ceiling; longer waits would fire at once. */
const MAX_TIMER = 0x7fffffff;

/** Call sequence numbers: 1, 2, …, MAX_SEQUENCE, then 1 again. */
export class SequenceGenerator {
  private last = 0;

  next(): number {
    this.last = this.last >= MAX_SEQUENCE ? 1 : this.last + 1;
    return this.last;
  }
}

export interface PendingCallsOptions {
  /** Milliseconds a call waits when it names no timeout; 0 waits forever. Default 30 000. */
  timeout?: number;
  /** Calls that may await a reply at once; one more fails with SENDFAILED. Default 10 000. */
  maxInFlight?: number;
  /** Where the calls go, e.g. `tcp://127.0.0.1:9000`: starts every error message. */
  description?: string;
}

/** What a call registered in the table gets back. */
export interface PendingCall<T = RpcMessage> {
  readonly sequence: number;
  /** Resolves with the RETURN (errcode 0), or its decoded value; rejects with RpcError (timeout, error RETURN, loss). */
  readonly reply: Promise<T>;
}

/**
 * How an entry settles on its RETURN: undefined resolves with the message itself (`open`),
 * a decoder with the value it reads, null with undefined (a void result).
 */
type Settlement = ResultDecoder<unknown> | null | undefined;

/** The entry the Promise executor below fills in: one shared executor, no closure per call. */
let filling: Entry;
function fill(resolve: (value: unknown) => void, reject: (error: RpcError) => void): void {
  filling.resolve = resolve;
  filling.reject = reject;
}

class Entry implements PendingCall<unknown>, Sequenced<Entry> {
  resolve!: (value: unknown) => void;
  reject!: (error: RpcError) => void;
  readonly reply: Promise<unknown>;
  /** When the call times out (clock ms); its place in the list of calls with the same timeout. */
  deadline = 0;
  list: DeadlineList | undefined = undefined;
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /** The next entry in the same bucket of the SequenceTable. */
  chain: Entry | undefined = undefined;

  constructor(
    readonly sequence: number,
    readonly ifidx: number,
    readonly opidx: number,
    readonly settlement: Settlement,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the shared executor above fills this entry
    filling = this;
    this.reply = new Promise(fill);
  }

  /** Settles with a RETURN of errcode 0 whose result is `bytes[start, end)`; `reply` may be undefined for decoding entries. */
  succeed(reply: RpcMessage | undefined, bytes: Uint8Array, start: number, end: number): void {
    const decode = this.settlement;
    if (decode === undefined) return this.resolve(reply);
    if (decode === null) return this.resolve(undefined);
    let value: unknown;
    try {
      value = decodeResult(decode, bytes, start, end);
    } catch (error) {
      return this.reject(error as RpcError);
    }
    this.resolve(value);
  }
}

/** Calls sharing one timeout value, oldest first: their deadlines are in order. */
interface DeadlineList {
  readonly ms: number;
  head: Entry | undefined;
  tail: Entry | undefined;
}

const host = globalThis as { performance?: { now(): number } };
/** Monotonic where the platform has one: a wall-clock jump must not expire calls. */
const now = (): number => (host.performance ? host.performance.now() : Date.now());

/**
 * Calls awaiting a RETURN, keyed by sequence: the one reply-matching table every transport
 * uses. Unlike the original (spec §6.2, §9.2 item 8) every entry leaves the table on its
 * reply, its timeout or failAll, so nothing leaks and late replies are simply unmatched.
 * Timeouts cost one timer per table, not one per call: calls with the same timeout expire
 * in the order they were made, so only the oldest of each timeout value needs watching.
 */
export class PendingCalls {
  readonly defaultTimeout: number;
  readonly maxInFlight: number;
  readonly description: string;
  private readonly entries = new SequenceTable<Entry>();
  private readonly lists = new Map<number, DeadlineList>();
  private readonly sequences = new SequenceGenerator();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;

  constructor(options: PendingCallsOptions = {}) {
    this.defaultTimeout = checkTimeout(options.timeout ?? DEFAULT_CALL_TIMEOUT);
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.description = options.description ?? 'peer';
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1)
      throw new RangeError(`maxInFlight must be a positive integer, not ${this.maxInFlight}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A fresh sequence for a message that awaits no reply (one-way calls). */
  nextSequence(): number {
    let sequence = this.sequences.next();
    // A call waiting forever may still hold a sequence after a wrap-around; skip it.
    while (this.entries.get(sequence) !== undefined) sequence = this.sequences.next();
    return sequence;
  }

  /**
   * Registers a call under a fresh sequence. Throws RpcError(SENDFAILED) when the table is
   * full and RangeError for a bad timeout; `timeout` undefined = the table's default.
   */
  open(timeout: number | undefined, ifidx: number, opidx: number): PendingCall {
    return this.register(timeout, ifidx, opidx, undefined) as PendingCall;
  }

  /** As open, for a call whose promise resolves with its decoded result (`decode` null: a void result). */
  openDecoding<R>(
    timeout: number | undefined,
    ifidx: number,
    opidx: number,
    decode: ResultDecoder<R> | null,
  ): PendingCall<R> {
    return this.register(timeout, ifidx, opidx, decode) as PendingCall<R>;
  }

  /**
   * Settles the call a RETURN answers: errcode 0 resolves, anything else rejects with
   * RpcError(errcode). False when no call waits for this sequence (late or foreign reply).
   */
  settle(reply: RpcMessage): boolean {
    const entry = this.take(reply.sequence);
    if (!entry) return false;
    if (reply.errcode === 0) entry.succeed(reply, reply.params, 0, reply.params.length);
    else
      entry.reject(
        new RpcError(reply.errcode, `${this.label(entry)}: the peer answered ${describeCode(reply.errcode)}`),
      );
    return true;
  }

  /**
   * Settles a decoding call from a RETURN of errcode 0 whose result is `bytes[start, end)`,
   * without a decoded message. False, leaving the table as it was, when no decoding call waits
   * for this sequence: the caller then decodes the message and uses settle().
   */
  settleInPlace(sequence: number, bytes: Uint8Array, start: number, end: number): boolean {
    const entry = this.entries.get(sequence);
    if (entry === undefined || entry.settlement === undefined) return false;
    this.take(sequence);
    entry.succeed(undefined, bytes, start, end);
    return true;
  }

  /** Rejects one call, e.g. when its CALL could not be written. */
  fail(sequence: number, error: RpcError): boolean {
    const entry = this.take(sequence);
    if (!entry) return false;
    entry.reject(error);
    return true;
  }

  /** Forgets a call whose CALL was never written; its promise is dropped unsettled. */
  discard(sequence: number): void {
    this.take(sequence);
  }

  /** Rejects every waiting call with `code` (104 CONNECTION_LOST when a connection drops). */
  failAll(code: number, reason: string): number {
    const all = this.entries.drain();
    this.lists.clear();
    this.disarm();
    for (const entry of all) entry.reject(new RpcError(code, `${this.label(entry)}: ${reason}`));
    return all.length;
  }

  private register(timeout: number | undefined, ifidx: number, opidx: number, settlement: Settlement): Entry {
    const ms = timeout === undefined ? this.defaultTimeout : checkTimeout(timeout);
    if (this.entries.size >= this.maxInFlight) {
      throw new RpcError(
        ErrorCode.SENDFAILED,
        `${this.description}: too many calls in flight (limit ${this.maxInFlight}); call ifidx ${ifidx} opidx ${opidx} was not sent`,
      );
    }
    const entry = new Entry(this.nextSequence(), ifidx, opidx, settlement);
    this.entries.add(entry);
    if (ms > 0) this.watch(entry, ms);
    return entry;
  }

  private take(sequence: number): Entry | undefined {
    const entry = this.entries.remove(sequence);
    if (!entry) return undefined;
    // The table's timer stays armed: re-arming per call would cost what one timer per call did.
    if (entry.list) this.unlink(entry, entry.list);
    return entry;
  }

  private watch(entry: Entry, ms: number): void {
    entry.deadline = now() + ms;
    let list = this.lists.get(ms);
    if (!list) {
      list = { ms, head: undefined, tail: undefined };
      this.lists.set(ms, list);
    }
    entry.list = list;
    entry.prev = list.tail;
    if (list.tail) list.tail.next = entry;
    else list.head = entry;
    list.tail = entry;
    if (entry.deadline < this.timerAt) this.arm(entry.deadline);
  }

  private unlink(entry: Entry, list: DeadlineList): void {
    if (entry.prev) entry.prev.next = entry.next;
    else list.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else list.tail = entry.prev;
    entry.list = entry.prev = entry.next = undefined;
    if (!list.head) this.lists.delete(list.ms);
  }

  private arm(at: number): void {
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(() => this.expireDue(), Math.max(1, Math.ceil(at - now())));
    // In Node, the connection keeps the process alive while calls wait; this timer must not.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Expires every call past its deadline, then watches the next one due. */
  private expireDue(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const t = now();
    let next = Infinity;
    for (const list of [...this.lists.values()]) {
      while (list.head && list.head.deadline <= t) {
        const entry = list.head;
        this.entries.remove(entry.sequence);
        this.unlink(entry, list);
        entry.reject(new RpcError(ErrorCode.TIMEOUT, `${this.label(entry)}: no reply within ${list.ms} ms`));
      }
      if (list.head && list.head.deadline < next) next = list.head.deadline;
    }
    if (next < Infinity) this.arm(next);
  }

  private label(entry: Entry): string {
    return `${this.description}: call ifidx ${entry.ifidx} opidx ${entry.opidx} (sequence ${entry.sequence})`;
  }
}

function checkTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`a call timeout must be a number of milliseconds ≥ 0 (0 = forever), not ${ms}`);
  return Math.min(ms, MAX_TIMER);
}

function describeCode(code: number): string {
  return `${errorCodeName(code)} (${code}): ${errorDescription(code)}`;
}
