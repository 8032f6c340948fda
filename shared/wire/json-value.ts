import { setOwn } from './value-rules.js';

/** What JSON can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The JSON view of a native value, for showing, editing and exporting; the codec's encoders
 * accept it back and produce the same bytes:
 *   bigint → number when safe, else a decimal string; Uint8Array → array of 0..255;
 *   Map → object (keys spelled as strings) when its keys are strings, numbers, bigints or
 *   booleans, else an array of [key, value] pairs; NaN, ±Infinity and -0 → "NaN",
 *   "Infinity", "-Infinity", "-0" (JSON has no spelling for them); undefined (void) → null.
 */
export function toJsonValue(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return jsonNumber(value);
    case 'bigint':
      return value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value.toString();
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return Array.from(value);
      if (Array.isArray(value)) return value.map(toJsonValue);
      if (value instanceof Map) return mapToJson(value);
      return objectToJson(value as Record<string, unknown>);
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
}

function jsonNumber(v: number): number | string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : v;
  return String(v);
}

const isScalarKey = (k: unknown): boolean => {
  const t = typeof k;
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean';
};

function mapToJson(map: Map<unknown, unknown>): JsonValue {
  for (const k of map.keys()) {
    if (!isScalarKey(k)) return Array.from(map, ([key, v]) => [toJsonValue(key), toJsonValue(v)]);
  }
  const out: { [key: string]: JsonValue } = {};
  // String(k) round-trips every number exactly ("1.5", "1e+21", "NaN"); Maps hold no -0 key.
  for (const [k, v] of map) setOwn(out, String(k), toJsonValue(v));
  return out;
}

/** A struct: its own enumerable fields. */
function objectToJson(o: Record<string, unknown>): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(o)) setOwn(out, k, toJsonValue(o[k]));
  return out;
}
