import type { FeedEntry, FeedFilter, FeedHop } from '../../shared/console-api/index.js';

/**
 * The feed's filter bar: `free text`, `method:echo`, `method:test.Server.echo`, `if:test.Server`,
 * `dir:in`, `user:42`, `hop:gateway`, `extra.name=scott.bo` — parsed into the contract's
 * FeedFilter (what the host applies to queries and exports), and matched the same way here.
 */

const HOPS: readonly FeedHop[] = ['console', 'gateway', 'queue', 'server'];

export interface ParsedFilter {
  filter: FeedFilter;
  /** Tokens that look like a field but are not valid (shown under the bar). */
  problems: string[];
}

export function parseFilterQuery(query: string): ParsedFilter {
  const filter: FeedFilter = {};
  const problems: string[] = [];
  const text: string[] = [];
  for (const token of query.match(/"[^"]*"|\S+/g) ?? []) {
    const extra = /^extra\.([^=\s]+)=(.*)$/.exec(token);
    if (extra) {
      filter.extra = { ...filter.extra, [extra[1]!]: unquote(extra[2]!) };
      continue;
    }
    const field = /^(if|iface|interface|method|op|dir|direction|user|userid|hop):(.*)$/i.exec(token);
    if (!field) {
      text.push(unquote(token));
      continue;
    }
    const key = field[1]!.toLowerCase();
    const value = unquote(field[2]!);
    if (value === '') problems.push(`${key}: needs a value`);
    else if (key === 'if' || key === 'iface' || key === 'interface') filter.interface = value;
    else if (key === 'method' || key === 'op') {
      const dot = value.lastIndexOf('.');
      if (dot > 0) {
        filter.interface = value.slice(0, dot);
        filter.method = value.slice(dot + 1);
      } else filter.method = value;
    } else if (key === 'dir' || key === 'direction') {
      if (value === 'in' || value === 'out') filter.direction = value;
      else problems.push(`dir: is in or out, not '${value}'`);
    } else if (key === 'hop') {
      if ((HOPS as readonly string[]).includes(value)) filter.hop = value as FeedHop;
      else problems.push(`hop: is one of ${HOPS.join(', ')}, not '${value}'`);
    } else filter.userId = value;
  }
  if (text.length) filter.text = text.join(' ');
  return { filter, problems };
}

const unquote = (s: string): string => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

export const isEmptyFilter = (f: FeedFilter): boolean =>
  !f.text && !f.interface && !f.method && !f.direction && !f.userId && !f.hop && (!f.extra || Object.keys(f.extra).length === 0);

/** Each entry's searchable text, made once (filters are retyped often; entries never change). */
const searchTexts = new WeakMap<FeedEntry, string>();

function searchText(e: FeedEntry): string {
  let s = searchTexts.get(e);
  if (s === undefined) {
    const parts = [e.hop, e.direction, e.kind, e.endpoint, e.peer ?? '', e.userId ?? '', String(e.sequence), e.interface ?? '', e.method ?? '', e.interface && e.method ? `${e.interface}.${e.method}` : '', e.note ?? '', e.correlation];
    for (const key in e.extra) parts.push(`${key}=${e.extra[key]}`);
    s = parts.join('\n').toLowerCase();
    searchTexts.set(e, s);
  }
  return s;
}

/** The same rules as the host's filter: every given field narrows; text matches anywhere, any case. */
export function feedMatcher(filter: FeedFilter): (e: FeedEntry) => boolean {
  const text = filter.text?.trim().toLowerCase() || undefined;
  const iface = filter.interface?.trim().toLowerCase() || undefined;
  const method = filter.method?.trim().toLowerCase() || undefined;
  const extra = filter.extra ? Object.entries(filter.extra) : [];
  return (e) => {
    if (filter.direction && e.direction !== filter.direction) return false;
    if (filter.hop && e.hop !== filter.hop) return false;
    if (filter.userId && e.userId !== filter.userId) return false;
    if (iface) {
      const name = e.interface?.toLowerCase();
      if (!name || (name !== iface && !name.endsWith(`.${iface}`))) return false;
    }
    if (method && e.method?.toLowerCase() !== method) return false;
    for (const [key, value] of extra) if (e.extra[key] !== value) return false;
    return !text || searchText(e).includes(text);
  };
}
