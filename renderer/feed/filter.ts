import type { FeedFilter, FeedHop } from '../../shared/console-api/index.js';

/**
 * The feed's filter bar: `free text`, `method:echo`, `method:test.Server.echo`, `if:test.Server`,
 * `dir:in`, `user:42`, `hop:gateway`, `extra.name=scott.bo` — parsed into the contract's
 * FeedFilter, which the host and the renderer apply alike (shared/console-api/feed-filter.ts).
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
