import type { DecodedPayload, FeedEntry } from './types.js';
import { messageOf } from '../message-of.js';

/**
 * Feed exports: one FeedEntry as JSON per line, with its payload decoded beside `raw`
 * (`decoded`), so a selection can be saved, diffed, grepped and opened again — as a capture in
 * the console, even where the IDL is not at hand. Read back, entries get new ids; everything
 * else is kept as exported.
 */

/**
 * A decoded payload as an export carries it: `{interface, method, kind, value}` for every kind
 * (`tce-capture` readers need not know that an error RETURN carries no payload: its value is its
 * code, name and reason), or the decoding failure (`ok: false`).
 */
export type ExportedPayload =
  | DecodedPayload
  | {
      ok: true;
      kind: 'error';
      interface?: string;
      method?: string;
      code: number;
      codeName: string;
      reason: string;
      value: { code: number; codeName: string; reason: string };
    };

/** What one line of an export holds. */
export interface ExportedEntry extends FeedEntry {
  decoded?: ExportedPayload;
}

/** An entry's payload as exports write it (see ExportedPayload). */
export function exportedPayload(entry: FeedEntry, decoded: DecodedPayload): ExportedPayload {
  if (!decoded.ok || decoded.kind !== 'error') return decoded;
  const { code, codeName, reason } = decoded;
  return { ...decoded, interface: entry.interface, method: entry.method, value: { code, codeName, reason } };
}

/** One export line, without its newline. */
export function ndjsonLine(entry: FeedEntry, decode?: (entry: FeedEntry) => DecodedPayload): string {
  return JSON.stringify(decode ? { ...entry, decoded: exportedPayload(entry, decode(entry)) } : entry);
}

export function toNdjson(entries: readonly FeedEntry[], decode?: (entry: FeedEntry) => DecodedPayload): string {
  let out = '';
  for (const e of entries) out += `${ndjsonLine(e, decode)}\n`;
  return out;
}

const HOPS = new Set(['console', 'proxy', 'gateway', 'queue', 'server']);
const KINDS = new Set(['call', 'oneway', 'return', 'error']);
const INTEGER_FIELDS = ['sequence', 'calltype', 'ifidx', 'opidx', 'errcode', 'callId', 'size'] as const;
const MOCK_SOURCES = new Set(['example', 'script', 'override']);
const OPTIONAL_STRINGS = ['peer', 'userId', 'gateway', 'interface', 'method', 'note'] as const;

/** Parses an export; throws an Error naming the line and the field for anything that is not a feed entry. */
export function fromNdjson(text: string): Omit<ExportedEntry, 'id'>[] {
  const entries: Omit<ExportedEntry, 'id'>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${i + 1}: not JSON (${messageOf(error)})`);
    }
    const problem = entryProblem(value);
    if (problem) throw new Error(`line ${i + 1}: not a feed entry: ${problem}`);
    const { id: _id, ...entry } = value as ExportedEntry;
    entries.push(entry);
  }
  return entries;
}

function entryProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object';
  const e = v as Record<string, unknown>;
  if (!HOPS.has(e['hop'] as string)) return 'hop must be console, proxy, gateway, queue or server';
  if (e['direction'] !== 'in' && e['direction'] !== 'out') return 'direction must be in or out';
  if (!KINDS.has(e['kind'] as string)) return 'kind must be call, oneway, return or error';
  if (typeof e['time'] !== 'number' || !Number.isFinite(e['time'])) return 'time must be a number (epoch milliseconds)';
  for (const key of INTEGER_FIELDS) if (!Number.isInteger(e[key])) return `${key} must be an integer`;
  for (const key of ['endpoint', 'correlation', 'raw'] as const)
    if (typeof e[key] !== 'string') return `${key} must be a string`;
  for (const key of OPTIONAL_STRINGS)
    if (e[key] !== undefined && typeof e[key] !== 'string') return `${key} must be a string`;
  if (typeof e['push'] !== 'boolean' || typeof e['rawTruncated'] !== 'boolean')
    return 'push and rawTruncated must be booleans';
  if (e['latencyMs'] !== undefined && typeof e['latencyMs'] !== 'number') return 'latencyMs must be a number';
  if (e['mock'] !== undefined && !MOCK_SOURCES.has(e['mock'] as string))
    return 'mock must be example, script or override';
  const extra = e['extra'];
  if (
    typeof extra !== 'object' ||
    extra === null ||
    Array.isArray(extra) ||
    Object.values(extra).some((x) => typeof x !== 'string')
  )
    return 'extra must map strings to strings';
  const decoded = e['decoded'];
  if (
    decoded !== undefined &&
    (typeof decoded !== 'object' || decoded === null || typeof (decoded as Record<string, unknown>)['ok'] !== 'boolean')
  )
    return 'decoded must be a decoded payload ({"ok": …})';
  return undefined;
}
