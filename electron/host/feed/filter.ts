import type { FeedEntry, FeedFilter } from '../../../shared/console-api/types.js';

/** A compiled FeedFilter: every given field narrows; text matches case-insensitively anywhere readable. */
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

/** `test.Server` matches `test.Server` and `Server`. */
function interfaceMatches(name: string | undefined, wanted: string): boolean {
  if (!name) return false;
  const lower = name.toLowerCase();
  return lower === wanted || lower.endsWith(`.${wanted}`);
}

function searchText(e: FeedEntry): string {
  const parts = [e.hop, e.direction, e.kind, e.endpoint, e.peer ?? '', e.userId ?? '', String(e.sequence), e.interface ?? '', e.method ?? '', e.interface && e.method ? `${e.interface}.${e.method}` : '', e.note ?? '', e.correlation];
  for (const key in e.extra) parts.push(`${key}=${e.extra[key]}`);
  return parts.join('\n').toLowerCase();
}
