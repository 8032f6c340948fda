import type { FeedEntry, FeedHop } from './types.js';

/**
 * Follow call (like Wireshark's Follow Stream): from any entry, the whole call — every hop of its
 * request and reply (one correlation key) — and the pushes it caused. The wire does not say
 * which call made a back end push, so "caused" is inferred the way a person would: pushes to
 * the same user (the same user id, at the same gateway where both are known) that start while
 * the call runs or within PUSH_GRACE_MS after its last hop.
 */

export const PUSH_GRACE_MS = 500;

/** Entries of one correlation key, in order. */
export interface CallHops {
  correlation: string;
  entries: FeedEntry[];
}

export interface FollowedCall extends CallHops {
  /** Client calls only: pushes to the caller while the call ran (or just after), each with its hops. */
  pushes: CallHops[];
  /** The call's first CALL sighting, where its arguments are (the same at every hop). */
  request: FeedEntry | undefined;
  /** The RETURN nearest the caller (two-way and async calls), error RETURNs included. */
  reply: FeedEntry | undefined;
  /** Who called, as `gateway/user` or the user id alone; undefined when no hop knew. */
  caller: { userId: string; gateway: string | undefined } | undefined;
}

/** Where a message travels first on the way out: the client's side before the back end's. */
const HOP_ORDER: Record<FeedHop, number> = { console: 0, proxy: 1, gateway: 2, queue: 3, server: 4 };

/**
 * The call `entry` belongs to, from `entries` in id order. A push's own entry is followed to the
 * call that caused it when one can be found; otherwise the push is the call.
 */
export function followCall(entries: readonly FeedEntry[], entry: FeedEntry): FollowedCall {
  if (entry.push) {
    const cause = causeOfPush(entries, hopsOf(entries, entry.correlation));
    if (cause) return cause;
  }
  return describeCall(entries, hopsOf(entries, entry.correlation));
}

function hopsOf(entries: readonly FeedEntry[], correlation: string): CallHops {
  return { correlation, entries: entries.filter((e) => e.correlation === correlation) };
}

function describeCall(entries: readonly FeedEntry[], call: CallHops): FollowedCall {
  const calls = call.entries.filter((e) => e.kind === 'call' || e.kind === 'oneway');
  const returns = call.entries.filter((e) => e.kind === 'return' || e.kind === 'error');
  const push = call.entries.some((e) => e.push);
  // The arguments are the same at every hop: the first sighting will do. The reply that counts
  // is the one the caller got: a client's at the hop nearest the client, a push's last one.
  const request = calls[0];
  const reply = push
    ? returns[returns.length - 1]
    : [...returns].sort((a, b) => HOP_ORDER[a.hop] - HOP_ORDER[b.hop] || a.id - b.id)[0];
  const caller = identityOf(call.entries);
  return { ...call, pushes: push || !caller ? [] : pushesDuring(entries, call, caller), request, reply, caller };
}

function identityOf(entries: readonly FeedEntry[]): FollowedCall['caller'] {
  let found: FollowedCall['caller'];
  for (const e of entries) {
    if (e.userId === undefined) continue;
    if (e.gateway !== undefined) return { userId: e.userId, gateway: e.gateway };
    found ??= { userId: e.userId, gateway: undefined };
  }
  return found;
}

const sameUser = (e: FeedEntry, who: NonNullable<FollowedCall['caller']>): boolean =>
  e.userId === who.userId && (who.gateway === undefined || e.gateway === undefined || e.gateway === who.gateway);

const span = (entries: readonly FeedEntry[]): { from: number; to: number } => ({
  from: Math.min(...entries.map((e) => e.time)),
  to: Math.max(...entries.map((e) => e.time)),
});

function pushesDuring(
  entries: readonly FeedEntry[],
  call: CallHops,
  caller: NonNullable<FollowedCall['caller']>,
): CallHops[] {
  const { from, to } = span(call.entries);
  const started = new Map<string, number>();
  const keys: string[] = [];
  for (const e of entries) {
    if (!e.push || e.correlation === call.correlation) continue;
    const first = started.get(e.correlation);
    if (first === undefined) keys.push(e.correlation);
    if (first === undefined || e.time < first) started.set(e.correlation, e.time);
  }
  const caused = new Set(
    keys.filter((k) => {
      const t = started.get(k)!;
      return t >= from && t <= to + PUSH_GRACE_MS;
    }),
  );
  const groups = new Map<string, FeedEntry[]>();
  for (const e of entries)
    if (caused.has(e.correlation))
      (groups.get(e.correlation) ?? groups.set(e.correlation, []).get(e.correlation)!).push(e);
  return [...groups]
    .filter(([, hops]) => hops.some((h) => h.userId !== undefined && sameUser(h, caller)))
    .map(([correlation, hops]) => ({ correlation, entries: hops }));
}

/** The client call during which (or just before) this push started, to the same user. */
function causeOfPush(entries: readonly FeedEntry[], push: CallHops): FollowedCall | undefined {
  const who = identityOf(push.entries);
  if (!who) return undefined;
  const { from } = span(push.entries);
  const spans = new Map<string, { from: number; to: number; user: boolean }>();
  for (const e of entries) {
    if (e.push) continue;
    const s = spans.get(e.correlation) ?? { from: e.time, to: e.time, user: false };
    s.from = Math.min(s.from, e.time);
    s.to = Math.max(s.to, e.time);
    s.user ||= e.userId !== undefined && sameUser(e, who);
    spans.set(e.correlation, s);
  }
  let best: string | undefined;
  let bestStart = -Infinity;
  for (const [key, s] of spans) {
    // The latest call to start before the push that was still running (or had just ended).
    if (s.user && s.from <= from && from <= s.to + PUSH_GRACE_MS && s.from > bestStart) {
      best = key;
      bestStart = s.from;
    }
  }
  if (best === undefined) return undefined;
  const call = describeCall(entries, hopsOf(entries, best));
  return call.pushes.some((p) => p.correlation === push.correlation) ? call : undefined;
}
