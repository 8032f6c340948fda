import type { FeedEntry } from '../../../shared/console-api/types.js';
import type { EntryFields, EntryStore } from './entry-store.js';
import { Fifo } from '../../../shared/rpc/fifo.js';
import { SequenceTable, type Sequenced } from '../../../shared/rpc/sequence-table.js';

/**
 * Correlation keys link the hops of one call (console → gateway → queue → server → back).
 * The sequence survives every hop (spec §7.3), so a call is named by its sequence and its
 * caller: `call:<sequence>:<user id>@<gateway>` for a client's call (the gateway qualifies the
 * user id, since every gateway counts its own), `push:<sequence>:<user id>@` for a back end's
 * call to a client. Each hop derives the same key from what it sees: the console from the
 * user id the gateway gave its connection, the gateway from the connection, the back end from
 * `__user_id__` and the gateway named by `__mq_return__`.
 *
 * A RETURN takes the key of the CALL it answers at the same hop, so a reply is linked even
 * where its own fields would not say enough (error replies carry no ids), and an error RETURN
 * takes the CALL's interface and method as its name.
 */

export const identity = (userId: string | undefined, via: string | undefined): string => `${userId ?? ''}@${via ?? ''}`;

export const callKey = (sequence: number, who: string, push: boolean): string =>
  `${push ? 'push' : 'call'}:${sequence}:${who}`;

/** How one hop places a message: which calls it can answer, and who called. */
export interface Placement {
  /** One hop instance: `console:c3`, `gateway:gwserver`, `server:server`. */
  scope: string;
  /** Tells apart calls of different users at one scope (sequences are per caller). */
  user: string;
  /** The caller's identity, when this message is a CALL (or a RETURN whose CALL was not seen). */
  who: string;
  /** A back end's call to a client. */
  push: boolean;
}

/** Open CALLs of one direction at one hop instance for one caller, by sequence. */
type Calls = SequenceTable<OpenCall>;

/** A CALL awaiting its RETURN: what the RETURN takes from it, as recorded. */
interface OpenCall
  extends
    Pick<FeedEntry, 'correlation' | 'push' | 'time' | 'userId' | 'gateway' | 'interface' | 'method'>,
    Sequenced<OpenCall> {
  id: number;
  /** Where it waits; it has been answered or forgotten once it is no longer there. */
  calls: Calls;
}

/** The CALLs of one hop instance (`scope`) and caller (`user`), by the direction they went. */
interface Line {
  in: Calls;
  out: Calls;
}

/** New lines between sweeps of empty ones (each connection is a scope of its own). */
const LINES_BETWEEN_SWEEPS = 1024;

export interface CorrelatorOptions {
  /** Calls remembered while awaiting their RETURN. Default 100 000. */
  maxOpen?: number;
  /** How long a CALL waits for its RETURN before it is forgotten. Default 5 minutes. */
  maxAgeMs?: number;
}

/**
 * Gives entries their correlation key, push flag and RETURN latency. Bounded: old calls are
 * forgotten. Open calls are found by scope, user, direction and sequence in nested maps: the
 * scope and user strings are the hops' own (hashed once), the sequence a number, so placing a
 * message builds no lookup key (a string key per message was a third of what recording cost).
 */
export class Correlator {
  private readonly lines = new Map<string, Map<string, Line>>();
  private linesAdded = 0;
  /** Every remembered call, oldest first, for the bounds (answered ones are skipped when met). */
  private readonly order = new Fifo<OpenCall>();
  private openCount = 0;
  private readonly maxOpen: number;
  private readonly maxAgeMs: number;

  /** `store` holds the entries: a CALL's key, user and gateway may have been learned since it was placed. */
  constructor(
    private readonly store: EntryStore,
    options: CorrelatorOptions = {},
  ) {
    this.maxOpen = options.maxOpen ?? 100_000;
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
  }

  /** Calls awaiting their RETURN. */
  get open(): number {
    return this.openCount;
  }

  /**
   * Fills `correlation`, `push` and, for a RETURN, `latencyMs` of an entry being recorded.
   * For a two-way CALL, returns where to remember it once it is stored (see `opened`).
   */
  place(entry: EntryFields, p: Placement): Calls | undefined {
    if (entry.kind === 'call' || entry.kind === 'oneway') {
      entry.correlation = callKey(entry.sequence, p.who, p.push);
      entry.push = p.push;
      if (entry.kind === 'oneway') return undefined;
      const line = this.line(p.scope, p.user);
      return entry.direction === 'in' ? line.in : line.out;
    }
    const line = this.lines.get(p.scope)?.get(p.user);
    const call = (entry.direction === 'in' ? line?.out : line?.in)?.get(entry.sequence);
    if (call) {
      this.close(call);
      const learned = this.store.learnedOf(call.id) ?? call;
      entry.correlation = learned.correlation;
      entry.push = call.push;
      entry.latencyMs = Math.max(0, entry.time - call.time);
      // A RETURN's user is its CALL's user, numbered by the same gateway (a back end's reply does not say which).
      if (entry.userId === learned.userId) entry.gateway ??= learned.gateway;
      // An error RETURN names no operation on the wire (ifidx = opidx = 0): it answers this CALL's.
      if (entry.kind === 'error') {
        entry.interface = call.interface;
        entry.method = call.method;
      }
    } else {
      entry.correlation = callKey(entry.sequence, p.who, p.push);
      entry.push = p.push;
    }
    return undefined;
  }

  /** The CALL `place` returned `calls` for is stored as `id`: its RETURN will find it there. */
  opened(calls: Calls, id: number, entry: EntryFields): void {
    const { correlation, push, time, userId, gateway, method, sequence } = entry;
    const call: OpenCall = {
      id,
      correlation,
      push,
      time,
      userId,
      gateway,
      interface: entry.interface,
      method,
      sequence,
      calls,
      chain: undefined,
    };
    const earlier = calls.get(sequence);
    if (earlier) this.close(earlier);
    calls.add(call);
    this.order.push(call);
    this.openCount++;
    this.forgetOld(time);
  }

  clear(): void {
    this.lines.clear();
    this.order.clear();
    this.openCount = 0;
  }

  private line(scope: string, user: string): Line {
    const known = this.lines.get(scope)?.get(user);
    if (known) return known;
    if (++this.linesAdded >= LINES_BETWEEN_SWEEPS) this.sweepLines();
    let users = this.lines.get(scope);
    if (!users) this.lines.set(scope, (users = new Map<string, Line>()));
    const line: Line = { in: new SequenceTable(), out: new SequenceTable() };
    users.set(user, line);
    return line;
  }

  private close(call: OpenCall): void {
    if (call.calls.get(call.sequence) !== call) return;
    call.calls.remove(call.sequence);
    this.openCount--;
  }

  /** Forgets the expired and the excess, oldest first. */
  private forgetOld(now: number): void {
    for (let call = this.order.peek(); call; call = this.order.peek()) {
      const open = call.calls.get(call.sequence) === call;
      if (open && this.openCount <= this.maxOpen && now - call.time <= this.maxAgeMs) break;
      if (open) this.close(call);
      this.order.shift();
    }
    // Answered calls behind a long-open one wait in `order` until it goes: keep them few.
    if (this.order.length > 2 * this.maxOpen) this.order.retain((c) => c.calls.get(c.sequence) === c);
  }

  /** Lines of connections that are gone hold nothing: drop the empty ones. */
  private sweepLines(): void {
    this.linesAdded = 0;
    for (const [scope, users] of this.lines) {
      for (const [user, line] of users) if (line.in.size === 0 && line.out.size === 0) users.delete(user);
      if (users.size === 0) this.lines.delete(scope);
    }
  }
}
