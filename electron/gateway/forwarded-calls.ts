/**
 * Two-way CALLs the gateway forwarded to a queue, remembered until their RETURN comes back
 * (or they expire), so that a RETURN without routing info still reaches its client: error
 * RETURNs of Python and Java back ends carry neither call_id bit 15 nor `__user_id__`
 * (spec §1.5, §9.2 item 11). Unlike the original's pending table (§9.2 item 8) every entry
 * leaves on its reply, its client's disconnect, expiry, or eviction when the table is full.
 */

export interface ForwardedCallsOptions {
  /** Entries kept at most; the oldest is forgotten first. Default 100 000. */
  max?: number;
  /** How long a reply is waited for; longer than any sensible call timeout. Default 60 s. */
  ttlMs?: number;
  /** The clock (ms); tests pass their own. */
  now?: () => number;
}

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

export type ForwardedLookup<C> = { kind: 'found'; call: ForwardedCall<C> } | { kind: 'ambiguous'; count: number } | { kind: 'none' };

const keyOf = (returnEndpoint: string, sequence: number): string => `${returnEndpoint}\u0000${sequence}`;

export class ForwardedCalls<C> {
  readonly max: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  /** endpoint + sequence → the calls with it (clients pick sequences independently, so several may share one). */
  private readonly bySequence = new Map<string, Entry<C>[]>();
  private readonly byClient = new Map<C, Set<Entry<C>>>();
  /** Every entry in the order remembered, i.e. by expiry; dead ones are skipped when reached. */
  private order: Entry<C>[] = [];
  private head = 0;
  private live = 0;

  constructor(options: ForwardedCallsOptions = {}) {
    this.max = options.max ?? 100_000;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.max) || this.max < 1) throw new RangeError(`max must be a positive integer, not ${this.max}`);
    if (!(this.ttlMs > 0)) throw new RangeError(`ttlMs must be positive, not ${this.ttlMs}`);
  }

  /** Calls awaiting their RETURN (after dropping expired ones). */
  get size(): number {
    this.sweep();
    return this.live;
  }

  remember(returnEndpoint: string, sequence: number, userId: string, client: C): void {
    this.sweep();
    const key = keyOf(returnEndpoint, sequence);
    const same = this.bySequence.get(key);
    // The same user reusing a sequence (a reconnected client starts again at 1) replaces the old call.
    const previous = same?.find((e) => e.userId === userId);
    if (previous) this.remove(previous);
    while (this.live >= this.max) this.remove(this.oldest()!);
    const entry: Entry<C> = { key, returnEndpoint, sequence, userId, client, expires: this.now() + this.ttlMs, live: true };
    const list = this.bySequence.get(key);
    if (list) list.push(entry);
    else this.bySequence.set(key, [entry]);
    let mine = this.byClient.get(client);
    if (!mine) this.byClient.set(client, (mine = new Set()));
    mine.add(entry);
    this.order.push(entry);
    this.live++;
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
    this.remove(call as Entry<C>);
    return { kind: 'found', call };
  }

  /** Forgets every call of a client that went away; returns how many. */
  forgetClient(client: C): number {
    const mine = this.byClient.get(client);
    if (!mine) return 0;
    const n = mine.size;
    for (const entry of [...mine]) this.remove(entry);
    return n;
  }

  /** Drops expired entries (called by every operation; call it from a timer on an idle gateway). */
  sweep(): void {
    const t = this.now();
    while (this.head < this.order.length) {
      const entry = this.order[this.head]!;
      if (entry.live && entry.expires > t) break;
      if (entry.live) this.remove(entry);
      this.head++;
    }
    // Answered calls stay in `order` until reached; compacting when they outnumber the live
    // ones keeps the list bounded even behind one call that is never answered.
    if (this.order.length - this.head > 2 * this.live + 1024) {
      this.order = this.order.slice(this.head).filter((e) => e.live);
      this.head = 0;
    }
  }

  private oldest(): Entry<C> | undefined {
    for (let i = this.head; i < this.order.length; i++) if (this.order[i]!.live) return this.order[i];
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
