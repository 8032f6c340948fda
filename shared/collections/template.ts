import type { JsonValue } from '../console-api/types.js';

/**
 * `{{name}}` in the strings of a saved call. A string that is one placeholder and nothing else
 * takes the variable's value as it is (a captured number stays a number); inside other text a
 * value is written as text (strings as they are, the rest as JSON).
 */
export type VariableLookup = (name: string) => JsonValue | undefined;

export class TemplateError extends Error {}

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([\w.-]+)\s*\}\}$/;

export const asText = (v: JsonValue): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function fillString(text: string, lookup: VariableLookup): JsonValue {
  if (!text.includes('{{')) return text;
  const need = (name: string): JsonValue => {
    const value = lookup(name);
    if (value === undefined)
      throw new TemplateError(`{{${name}}} is not set: no variable, capture or secret has that name`);
    return value;
  };
  const whole = WHOLE.exec(text);
  if (whole) return need(whole[1]!);
  return text.replace(PLACEHOLDER, (_, name: string) => asText(need(name)));
}

/** Text only (extra values, target URLs): a whole placeholder is written as text too. */
export const fillText = (text: string, lookup: VariableLookup): string => asText(fillString(text, lookup));

export function fillJson(value: JsonValue, lookup: VariableLookup): JsonValue {
  if (typeof value === 'string') return fillString(value, lookup);
  if (Array.isArray(value)) return value.map((v) => fillJson(v, lookup));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillJson(v, lookup);
    return out;
  }
  return value;
}
