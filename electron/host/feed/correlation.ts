import type { FeedEntry } from '../../../shared/console-api/types.js';
import type { EntryFields, EntryStore } from './entry-store.js';

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

/** A CALL awaiting its RETURN: what the RETURN takes from it, as recorded. */
interface OpenCall extends Pick<
  FeedEntry,
  'correlation' | 'push' | 'time' | 'userId' | 'gateway' | 'interface' | 'method'
> {
  id: number;
}

export interface CorrelatorOptions {
  /** Calls remembered while awaiting their RETURN. Default 100 000. */
  maxOpen?: number;
  /** How long a CALL waits for its RETURN before it is forgotten. Default 5 minutes. */
  maxAgeMs?: number;
}

/** Gives entries their correlation key, push flag and RETURN latency. Bounded: old calls are forgotten. */
export class Correlator {
  private readonly open = new Map<string, OpenCall>();
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

  /**
   * Fills `correlation`, `push` and, for a RETURN, `latencyMs` of an entry being recorded.
   * For a two-way CALL, returns the key to remember it by once it is stored (see `opened`).
   */
  place(entry: EntryFields, p: Placement): string | undefined {
    if (entry.kind === 'call' || entry.kind === 'oneway') {
      entry.correlation = callKey(entry.sequence, p.who, p.push);
      entry.push = p.push;
      return entry.kind === 'call' ? `${p.scope}|${entry.direction}|${entry.sequence}|${p.user}` : undefined;
    }
    const callDirection = entry.direction === 'in' ? 'out' : 'in';
    const key = `${p.scope}|${callDirection}|${entry.sequence}|${p.user}`;
    const call = this.open.get(key);
    if (call) {
      this.open.delete(key);
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

  /** The CALL `place` returned `key` for is stored as `id`: its RETURN will find it. */
  opened(key: string, id: number, entry: EntryFields): void {
    const { correlation, push, time, userId, gateway, method } = entry;
    this.remember(key, { id, correlation, push, time, userId, gateway, interface: entry.interface, method });
  }

  clear(): void {
    this.open.clear();
  }

  private remember(key: string, call: OpenCall): void {
    const now = call.time;
    this.open.delete(key);
    this.open.set(key, call);
    // Oldest first in insertion order: forget the expired and the excess from the front.
    for (const [k, open] of this.open) {
      if (this.open.size <= this.maxOpen && now - open.time <= this.maxAgeMs) break;
      this.open.delete(k);
    }
  }
}
