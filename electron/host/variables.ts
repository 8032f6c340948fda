import { ConsoleError } from '../../shared/console-api/api.js';
import type { JsonValue } from '../../shared/console-api/types.js';

/**
 * `{{name}}` in a value the console sends (arguments, extra values, a target URL, a token) is replaced by
 * the active environment's variable of that name, or else by the project's secret of that
 * name — so secrets are used without ever being sent to the renderer or written into the
 * project. An unknown name is an error rather than a literal `{{name}}` on the wire.
 */
export type Lookup = (name: string) => Promise<string | undefined>;

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

export async function expand(text: string, lookup: Lookup): Promise<string> {
  if (!text.includes('{{')) return text;
  const names = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  const values = new Map<string, string>();
  for (const name of names) {
    const value = await lookup(name);
    if (value === undefined)
      throw new ConsoleError(
        'invalid-params',
        `{{${name}}} is neither a variable of the active environment nor a secret of this project`,
      );
    values.set(name, value);
  }
  return text.replace(PLACEHOLDER, (_, name: string) => values.get(name)!);
}

export async function expandRecord(
  record: Record<string, string> | undefined,
  lookup: Lookup,
): Promise<Record<string, string> | undefined> {
  if (!record) return record;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) out[key] = await expand(value, lookup);
  return out;
}

/** `{{name}}` in every string of a JSON value (call arguments), keys left alone. */
export async function expandJson(value: JsonValue, lookup: Lookup): Promise<JsonValue> {
  if (typeof value === 'string') return expand(value, lookup);
  if (Array.isArray(value)) return Promise.all(value.map((v) => expandJson(v, lookup)));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, v] of Object.entries(value)) out[key] = await expandJson(v, lookup);
  return out;
}
