import type { Extra } from '../../../shared/wire/message.js';

/** Distinct values remembered per generation; two generations are looked in. */
const GENERATION = 4096;
/** Correlation keys remembered, one per slot of sequence numbers. */
const KEY_SLOTS = 1 << 16;

/**
 * One copy of equal values recorded close together: the hops of one call share its correlation
 * key, and a connection's entries its user id, notes and extra. Every ring entry lives seconds,
 * long enough to be promoted to V8's old generation, so a string per entry per field was
 * hundreds of bytes of old-generation garbage per entry. Bounded: two generations of at most
 * GENERATION values each; a value not seen for a generation is forgotten (and merely copied
 * again if it comes back).
 */
export class Interner<T> {
  private current = new Map<string, T>();
  private previous = new Map<string, T>();

  /** The value held for `key`, if any (held on from now). */
  find(key: string): T | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const older = this.previous.get(key);
    return older === undefined ? undefined : this.hold(key, older);
  }

  /** Holds `value` for `key`; returns it. */
  hold(key: string, value: T): T {
    if (this.current.size >= GENERATION) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    return value;
  }
}

export class FeedInterner {
  private readonly strings = new Interner<string>();
  private readonly extras = new Interner<Extra>();
  private readonly keys = new Array<string>(KEY_SLOTS).fill('');

  string<S extends string | undefined>(s: S): S {
    // No closure for the value to hold: recording calls this for five fields of every entry.
    return s === undefined ? s : ((this.strings.find(s) ?? this.strings.hold(s, s)) as S);
  }

  /**
   * The copy of a call's correlation key the hops recorded before shared, when they were recent:
   * every call has a key of its own, so a hashed table turned over constantly (and its tables
   * died old); a slot per sequence number costs one compare.
   */
  correlation(key: string, sequence: number): string {
    const slot = sequence & (KEY_SLOTS - 1);
    const held = this.keys[slot]!;
    if (held === key) return held;
    this.keys[slot] = key;
    return key;
  }

  /**
   * A copy of `extra` shared with earlier entries that had the same one (a forwarding hop may
   * stamp the message's own extra after telling the feed about it, so it is never kept itself).
   * Entries' extras are never changed in place.
   */
  extra(extra: Extra): Extra {
    let key = '';
    for (const k in extra) key += `${k}\u0000${extra[k]}\u0000`;
    return this.extras.find(key) ?? this.extras.hold(key, { ...extra });
  }
}
