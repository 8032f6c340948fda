import type { Extra } from '../../../shared/wire/message.js';

const KEY_SLOTS = 65_536;

const EMPTY_EXTRA: Extra = Object.freeze({});

/**
 * Remembers up to about `2 × max` recent values, oldest generation dropped whole when the
 * current one fills: bounded, no per-lookup bookkeeping, and a value seen again within the
 * last `max` distinct ones is always found.
 */
class Generations<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const held = this.current.get(key);
    if (held !== undefined) return held;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.max) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }
}

/**
 * One copy of each recurring string and extra map among the feed's entries. Every hop decodes
 * its own copy of the same user id, endpoint, note or `__mq_return__`, and the hops of a call
 * each build the same correlation key: in a full ring of 100 000 entries those copies were a
 * third of its heap, and since entries live for seconds they all die old (the feed's heap peak
 * is its live set times V8's old-generation growing factor). The fresh copy dies young.
 */
export class Interner {
  private readonly strings = new Generations<string>(4096);
  /**
   * Correlation keys, one per call, by the call's sequence: a slot compare instead of a hash
   * lookup (a hashed table of this size cost more CPU per entry than the copies it saved).
   * 65 536 slots keep the hops of a call seconds apart at 10 000 calls/s.
   */
  private keys: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS);
  private readonly extras = new Generations<Extra>(4096);

  string(s: string): string;
  string(s: string | undefined): string | undefined;
  string(s: string | undefined): string | undefined {
    return s === undefined ? undefined : once(this.strings, s);
  }

  /** `key`, or the equal key of another hop of the call with this sequence. */
  correlation(key: string, sequence: number): string {
    const slot = sequence & (KEY_SLOTS - 1);
    const held = this.keys[slot];
    if (held === key) return held;
    this.keys[slot] = key;
    return key;
  }

  /**
   * A frozen copy of `extra`, shared by every entry with the same pairs in the same order (a
   * copy: a forwarding hop may stamp the message's own extra after telling the feed about it).
   */
  extra(extra: Extra): Extra {
    const keys = Object.keys(extra);
    if (keys.length === 0) return EMPTY_EXTRA;
    // Lengths before each key and value: no two different maps get the same table key.
    let id = '';
    for (const k of keys) id += `${k.length}:${k}${extra[k]!.length}:${extra[k]}`;
    const held = this.extras.get(id);
    if (held !== undefined) return held;
    const copy: Extra = {};
    for (const k of keys) copy[this.string(k)] = this.string(extra[k]!);
    this.extras.set(id, Object.freeze(copy));
    return copy;
  }

  clear(): void {
    this.strings.clear();
    this.keys = new Array<string | undefined>(KEY_SLOTS);
    this.extras.clear();
  }
}

function once(table: Generations<string>, s: string): string {
  const held = table.get(s);
  if (held !== undefined) return held;
  table.set(s, s);
  return s;
}
