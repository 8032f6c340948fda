import type { JsonValue } from '../console-api/types.js';
import { kindOf } from './path.js';

/** JSON equality: key order does not matter, array order does. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  return firstDifference(a, b, '$', false) === undefined;
}

/**
 * Where `actual` does not contain `expected`, or undefined when it does: objects match when every
 * expected key matches (extra keys are fine), arrays when they have the same length and each item
 * matches in order, anything else when equal. `subset` false asks for equality instead.
 */
export function firstDifference(
  actual: JsonValue,
  expected: JsonValue,
  where: string,
  subset = true,
): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected an array, got ${kindOf(actual)}`;
    if (actual.length !== expected.length) return `${where}: expected ${expected.length} item(s), got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(actual[i]!, expected[i]!, `${where}[${i}]`, subset);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return `${where}: expected an object, got ${kindOf(actual)}`;
    for (const key of Object.keys(expected)) {
      const at = `${where}.${key}`;
      if (!Object.prototype.hasOwnProperty.call(actual, key)) return `${at}: missing`;
      const d = firstDifference(actual[key]!, expected[key]!, at, subset);
      if (d) return d;
    }
    if (!subset) {
      const extra = Object.keys(actual).find((k) => !Object.prototype.hasOwnProperty.call(expected, k));
      if (extra !== undefined) return `${where}.${extra}: not expected`;
    }
    return undefined;
  }
  return actual === expected
    ? undefined
    : `${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}
