import type { FeedEntry, FeedFilter } from './types.js';

/**
 * What a FeedFilter means, for every side that applies one (the host's queries and exports, the
 * renderer's window): every given field narrows; `text` matches case-insensitively anywhere
 * readable; `interface` matches `test.Server` or just `Server`.
 */
export function feedPredicate(filter: FeedFilter | undefined): (entry: FeedEntry) => boolean {
  if (!filter) return () => true;
  const text = filter.text?.trim().toLowerCase() || undefined;
  const iface = filter.interface?.trim().toLowerCase() || undefined;
  const method = filter.method?.trim().toLowerCase() || undefined;
  const extra = filter.extra ? Object.entries(filter.extra) : [];
  return (e) => {
    if (filter.direction && e.direction !== filter.direction) return false;
    if (filter.hop && e.hop !== filter.hop) return false;
    if (filter.userId !== undefined && filter.userId !== '' && e.userId !== filter.userId) return false;
    if (iface && !interfaceMatches(e.interface, iface)) return false;
    if (method && e.method?.toLowerCase() !== method) return false;
    for (const [key, value] of extra) if (e.extra[key] !== value) return false;
    return !text || searchText(e).includes(text);
  };
}

export const isEmptyFilter = (f: FeedFilter): boolean =>
  !f.text && !f.interface && !f.method && !f.direction && !f.userId && !f.hop && (!f.extra || Object.keys(f.extra).length === 0);

function interfaceMatches(name: string | undefined, wanted: string): boolean {
  if (!name) return false;
  const lower = name.toLowerCase();
  return lower === wanted || lower.endsWith(`.${wanted}`);
}

/** Each entry's searchable text, made once: entries never change, and filters are retyped often. */
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
