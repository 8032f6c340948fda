import { Fifo } from '../../shared/rpc/fifo.js';

/**
 * Two-way CALLs the gateway forwarded to a queue, remembered until their RETURN comes back
 * (or the gateway gives up on them), so that a RETURN reaches the client that made the call —
 * also one without routing info: error RETURNs of Python and Java back ends carry neither
 * call_id bit 15 nor `__user_id__` (spec §1.5, §9.2 item 11) — and a second RETURN for the
 * same call (a back end redelivered a call it had answered) reaches nobody. Unlike the
 * original's pending table (§9.2 item 8) every entry leaves on its reply, its client's
 * disconnect, a broker failure, expiry, or eviction when the table is full; memory is
 * proportional to the calls awaiting a reply, whatever number went through.
 */

export interface ForwardedCallsOptions {
  /** Entries kept at most; past it the oldest is given up on. Default 100 000. */
  max?: number;
  /** How long a reply is waited for; longer than any sensible call timeout. Default 60 s. */
  ttlMs?: number;
  /** The clock (ms); tests pass their own. */
  now?: () => number;
}

/** Told of every call given up on: expired, or evicted to make room. Its client should hear of it. */
export type GiveUp<C> = (call: ForwardedCall<C>, why: 'expired' | 'evicted') => void;

export interface ForwardedCall<C> {
  /** The endpoint the RETURN will arrive on (the loopback's `__mq_return__`). */
  readonly returnEndpoint: string;
  /** The client's sequence, kept end to end (spec §7.3). */
  readonly sequence: number;
  readonly userId: string;
  readonly client: C;
  readonly expires: number;
}

interface Entry<C> extends ForwardedCall<C> {
  key: string;
  live: boolean;
}

export type ForwardedLookup<C> =
  { kind: 'found'; call: ForwardedCall<C> } | { kind: 'ambiguous'; count: number } | { kind: 'none' };

const keyOf = (returnEndpoint: string, sequence: number): string => `${returnEndpoint}\u0000${sequence}`;

/** Order entries kept beyond the live ones before dead entries are filtered out. */
const SLACK = 1024;

export class ForwardedCalls<C> {
  readonly max: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly onGiveUp: GiveUp<C> | undefined;
  /** endpoint + sequence → the calls with it (clients pick sequences independently, so several may share one). */
  private readonly bySequence = new Map<string, Entry<C>[]>();
  private readonly byClient = new Map<C, Set<Entry<C>>>();
  /**
   * Every entry in the order remembered, i.e. by expiry. Answered ones stay until they reach
   * the front or are filtered out, which happens once they outnumber the live ones by SLACK:
   * each dead entry is then dropped once, so upkeep is amortized O(1) per call.
   */
  private readonly order = new Fifo<Entry<C>>();
  private live = 0;

  constructor(options: ForwardedCallsOptions = {}, onGiveUp?: GiveUp<C>) {
    this.max = options.max ?? 100_000;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.onGiveUp = onGiveUp;
    if (!Number.isInteger(this.max) || this.max < 1)
      throw new RangeError(`max must be a positive integer, not ${this.max}`);
    if (!(this.ttlMs > 0)) throw new RangeError(`ttlMs must be positive, not ${this.ttlMs}`);
  }

  /** Calls awaiting their RETURN (after dropping expired ones). */
  get size(): number {
    this.sweep();
    return this.live;
  }

  /** Entries held in memory, answered ones not yet dropped included: at most about 4 × size + 3 × 1024. */
  get footprint(): number {
    return this.order.footprint;
  }

  /** Remembers a forwarded call; the returned handle can forget it again (its publish failed). */
  remember(returnEndpoint: string, sequence: number, userId: string, client: C): ForwardedCall<C> {
    this.sweep();
    const key = keyOf(returnEndpoint, sequence);
    const same = this.bySequence.get(key);
    // The same user reusing a sequence (a reconnected client starts again at 1) replaces the old call.
    const previous = same?.find((e) => e.userId === userId);
    if (previous) this.remove(previous);
    while (this.live >= this.max) {
      const oldest = this.oldest()!;
      this.remove(oldest);
      this.onGiveUp?.(oldest, 'evicted');
    }
    const entry: Entry<C> = {
      key,
      returnEndpoint,
      sequence,
      userId,
      client,
      expires: this.now() + this.ttlMs,
      live: true,
    };
    const list = this.bySequence.get(key);
    if (list) list.push(entry);
    else this.bySequence.set(key, [entry]);
    let mine = this.byClient.get(client);
    if (!mine) this.byClient.set(client, (mine = new Set()));
    mine.add(entry);
    this.order.push(entry);
    this.live++;
    return entry;
  }

  /**
   * Takes the call a RETURN arriving on `returnEndpoint` answers: the user's when the RETURN
   * names one, else the only call with that sequence (several → ambiguous, none is taken).
   */
  take(returnEndpoint: string, sequence: number, userId: string | undefined): ForwardedLookup<C> {
    this.sweep();
    const list = this.bySequence.get(keyOf(returnEndpoint, sequence));
    if (!list) return { kind: 'none' };
    const candidates = userId === undefined ? list : list.filter((e) => e.userId === userId);
    if (candidates.length === 0) return { kind: 'none' };
    if (candidates.length > 1) return { kind: 'ambiguous', count: candidates.length };
    const call = candidates[0]!;
    this.remove(call);
    this.trim();
    return { kind: 'found', call };
  }

  /** Forgets one call; false if it is no longer remembered (answered, failed, expired). */
  forget(call: ForwardedCall<C>): boolean {
    const entry = call as Entry<C>;
    if (!entry.live) return false;
    this.remove(entry);
    this.trim();
    return true;
  }

  /** Forgets every call of a client that went away; returns how many. */
  forgetClient(client: C): number {
    const mine = this.byClient.get(client);
    if (!mine) return 0;
    const n = mine.size;
    for (const entry of [...mine]) this.remove(entry);
    this.trim();
    return n;
  }

  /** Forgets every call and returns them, oldest first (the broker link is lost: no RETURN can come). */
  drain(): ForwardedCall<C>[] {
    const calls = [...this.order].filter((e) => e.live);
    for (const entry of calls) this.remove(entry);
    this.order.clear();
    return calls;
  }

  /** Gives up on expired calls (called by every operation; call it from a timer on an idle gateway). */
  sweep(): void {
    const t = this.now();
    for (
      let entry = this.order.peek();
      entry !== undefined && !(entry.live && entry.expires > t);
      entry = this.order.peek()
    ) {
      this.order.shift();
      if (!entry.live) continue;
      this.remove(entry);
      this.onGiveUp?.(entry, 'expired');
    }
    this.compact();
  }

  /** Drops answered calls from the front at once, so a prompt reply leaves nothing behind. */
  private trim(): void {
    while (this.order.peek()?.live === false) this.order.shift();
    this.compact();
  }

  /** Filters out answered calls once they outnumber the live ones, so one unanswered call cannot pin the rest. */
  private compact(): void {
    if (this.order.length > 2 * this.live + SLACK) this.order.retain((e) => e.live);
  }

  private oldest(): Entry<C> | undefined {
    for (const entry of this.order) if (entry.live) return entry;
    return undefined;
  }

  private remove(entry: Entry<C>): void {
    if (!entry.live) return;
    entry.live = false;
    this.live--;
    const list = this.bySequence.get(entry.key);
    if (list) {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.bySequence.delete(entry.key);
    }
    const mine = this.byClient.get(entry.client);
    if (mine) {
      mine.delete(entry);
      if (mine.size === 0) this.byClient.delete(entry.client);
    }
  }
}
