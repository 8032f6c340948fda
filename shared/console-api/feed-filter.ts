import { errorCodeName } from '../rpc/errors.js';
import { CallType } from '../wire/message.js';
import { FeedQueryError, globMatcher, parseFeedQuery, type Comparison, type FilterNode } from './feed-query.js';
import type { FeedEntry, FeedFilter } from './types.js';

/**
 * What a filter means, for every side that applies one (the host's queries and exports, the
 * renderer's live window and its captures): a FilterNode (feed-query.ts) made into a predicate.
 * Free text looks at the header fields and extra and at the decoded payload, which only the
 * caller can provide (it needs the project's IDL): `searchText` returns all of it lower-cased
 * (see FeedPayloads), and should cache it, since filters are re-applied on every key press.
 * Without it, free text sees the header fields and extra only.
 */

export type SearchText = (entry: FeedEntry) => string;
export type EntryPredicate = (entry: FeedEntry) => boolean;

/** `gwserver/2` where the gateway that numbered the user is known, else `2`; '' without a user. */
export const userLabel = (e: Pick<FeedEntry, 'userId' | 'gateway'>): string =>
  e.userId === undefined ? '' : e.gateway ? `${e.gateway}/${e.userId}` : e.userId;

export const isAsyncCall = (e: Pick<FeedEntry, 'kind' | 'calltype'>): boolean =>
  e.kind === 'call' && (e.calltype & CallType.ASYNC) !== 0;

/** The FeedFilter's fields and its query as one tree; throws FeedQueryError for a bad query. */
export function feedFilterNode(filter: FeedFilter | undefined): FilterNode | undefined {
  if (!filter) return undefined;
  const items: FilterNode[] = [];
  const exact = (s: string): string =>
    s
      .trim()
      .toLowerCase()
      .replace(/[*\\]/g, (c) => `\\${c}`);
  if (filter.text?.trim()) items.push({ kind: 'text', text: filter.text.trim().toLowerCase() });
  if (filter.interface?.trim()) items.push({ kind: 'interface', pattern: exact(filter.interface) });
  if (filter.method?.trim()) items.push({ kind: 'method', interface: undefined, method: exact(filter.method) });
  if (filter.direction) items.push({ kind: 'dir', direction: filter.direction });
  if (filter.hop) items.push({ kind: 'hop', hop: filter.hop });
  if (filter.userId) items.push({ kind: 'user', gateway: undefined, user: filter.userId.toLowerCase() });
  for (const [key, value] of Object.entries(filter.extra ?? {}))
    items.push({ kind: 'extra', key: key.toLowerCase(), pattern: exact(value) });
  if (filter.query?.trim()) {
    const parsed = parseFeedQuery(filter.query);
    if (!parsed.ok) throw new FeedQueryError(parsed.error);
    if (parsed.node) items.push(parsed.node);
  }
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : { kind: 'and', items };
}

export const isEmptyFilter = (f: FeedFilter): boolean =>
  feedFilterNode({ ...f, query: undefined }) === undefined && !f.query?.trim();

/** Does the filter read decoded payloads (free text)? Then it costs a decode per entry, once. */
export function readsPayload(node: FilterNode | undefined): boolean {
  if (!node) return false;
  if (node.kind === 'text') return true;
  if (node.kind === 'and' || node.kind === 'or') return node.items.some(readsPayload);
  return node.kind === 'not' && readsPayload(node.item);
}

/** A predicate for a filter (undefined: everything); throws FeedQueryError for a bad query. */
export function feedPredicate(filter: FeedFilter | undefined, searchText?: SearchText): EntryPredicate {
  const node = feedFilterNode(filter);
  return node ? compileFilter(node, searchText) : () => true;
}

/** Cheap conditions first: AND and OR stop early, so a payload is decoded only where it decides. */
const cost = (n: FilterNode): number =>
  n.kind === 'text'
    ? 10
    : n.kind === 'not'
      ? cost(n.item)
      : n.kind === 'and' || n.kind === 'or'
        ? Math.max(...n.items.map(cost))
        : n.kind === 'extra'
          ? 2
          : 1;

export function compileFilter(node: FilterNode, searchText?: SearchText): EntryPredicate {
  switch (node.kind) {
    case 'and': {
      const parts = [...node.items].sort((a, b) => cost(a) - cost(b)).map((n) => compileFilter(n, searchText));
      return (e) => {
        for (const p of parts) if (!p(e)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = [...node.items].sort((a, b) => cost(a) - cost(b)).map((n) => compileFilter(n, searchText));
      return (e) => {
        for (const p of parts) if (p(e)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileFilter(node.item, searchText);
      return (e) => !inner(e);
    }
    case 'text': {
      const t = node.text;
      const text = searchText ?? headerText;
      return (e) => text(e).includes(t);
    }
    case 'method': {
      const method = globMatcher(node.method);
      const iface = node.interface === undefined ? undefined : interfaceMatcher(node.interface);
      return (e) => e.method !== undefined && method(e.method.toLowerCase()) && (!iface || iface(e.interface));
    }
    case 'interface': {
      const iface = interfaceMatcher(node.pattern);
      return (e) => iface(e.interface);
    }
    case 'hop':
      return (e) => e.hop === node.hop;
    case 'dir':
      return (e) => e.direction === node.direction;
    case 'endpoint': {
      const m = globMatcher(node.pattern);
      return (e) => m(e.endpoint.toLowerCase());
    }
    case 'gateway': {
      const m = globMatcher(node.pattern);
      return (e) => e.gateway !== undefined && m(e.gateway.toLowerCase());
    }
    case 'user': {
      const { user, gateway } = node;
      return (e) =>
        e.userId !== undefined &&
        e.userId.toLowerCase() === user &&
        (gateway === undefined || e.gateway?.toLowerCase() === gateway);
    }
    case 'entry-kind':
      switch (node.entryKind) {
        case 'push':
          return (e) => e.push;
        case 'async':
          return isAsyncCall;
        default:
          return (e) => e.kind === node.entryKind;
      }
    case 'call':
      return (e) => e.correlation.toLowerCase() === node.correlation;
    case 'run': {
      const m = globMatcher(node.pattern);
      return (e) => e.run !== undefined && m(e.run.run.toLowerCase());
    }
    case 'saved': {
      const m = globMatcher(node.pattern);
      return (e) => e.run !== undefined && m(e.run.call.toLowerCase());
    }
    case 'extra': {
      const m = globMatcher(node.pattern);
      const key = node.key;
      return (e) => {
        for (const k in e.extra) if (k.toLowerCase() === key && m(e.extra[k]!.toLowerCase())) return true;
        return false;
      };
    }
    case 'compare': {
      const test = comparer(node.op, node.value);
      switch (node.field) {
        case 'size':
          return (e) => test(e.size);
        case 'latency':
          return (e) => e.latencyMs !== undefined && test(e.latencyMs);
        case 'seq':
          return (e) => test(e.sequence);
        case 'errcode':
          return (e) => test(e.errcode);
      }
    }
  }
}

function comparer(op: Comparison, value: number): (n: number) => boolean {
  switch (op) {
    case '=':
      return (n) => n === value;
    case '>':
      return (n) => n > value;
    case '>=':
      return (n) => n >= value;
    case '<':
      return (n) => n < value;
    case '<=':
      return (n) => n <= value;
  }
}

/** `test.Server` matches `test.server`, `server`, `test.*` and `serv*`. */
function interfaceMatcher(pattern: string): (name: string | undefined) => boolean {
  const m = globMatcher(pattern);
  return (name) => {
    if (name === undefined) return false;
    const lower = name.toLowerCase();
    return m(lower) || m(lower.slice(lower.lastIndexOf('.') + 1));
  };
}

/**
 * Each entry's header text is made once and kept on the entry itself, under a symbol (invisible
 * to JSON and to structured clone): filters are retyped often, and a WeakMap over every entry of
 * the feed costs each major garbage collection a pass over all of them.
 */
const HEADER_TEXT = Symbol('feed entry header text');
type WithHeaderText = FeedEntry & { [HEADER_TEXT]?: string };

/** The searchable header fields and extra of an entry, lower-cased. */
export function headerText(e: FeedEntry): string {
  let s = (e as WithHeaderText)[HEADER_TEXT];
  if (s === undefined) {
    const parts = [
      e.hop,
      e.direction,
      e.kind,
      e.endpoint,
      e.peer ?? '',
      userLabel(e),
      String(e.sequence),
      e.interface ?? '',
      e.method ?? '',
      e.note ?? '',
      e.correlation,
    ];
    if (e.interface && e.method) parts.push(`${e.interface}.${e.method}`);
    if (e.push) parts.push('push');
    if (isAsyncCall(e)) parts.push('async');
    if (e.errcode !== 0) parts.push(errorCodeName(e.errcode));
    for (const key in e.extra) parts.push(`${key}=${e.extra[key]}`);
    s = parts.join('\n').toLowerCase();
    (e as WithHeaderText)[HEADER_TEXT] = s;
  }
  return s;
}

/**
 * "Whole calls matching": every entry whose call (correlation key) has a matching entry, in
 * order. Two passes over `entries`, which must be iterable twice.
 */
export function wholeCalls(entries: Iterable<FeedEntry>, match: EntryPredicate): FeedEntry[] {
  const calls = new Set<string>();
  for (const e of entries) if (match(e)) calls.add(e.correlation);
  const out: FeedEntry[] = [];
  for (const e of entries) if (calls.has(e.correlation)) out.push(e);
  return out;
}
