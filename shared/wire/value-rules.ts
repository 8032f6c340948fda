import type { BuiltinName, IdlModel, QualifiedName, TypeDecl } from '../idl/model.js';

/**
 * What each IDL type accepts as a value, shared by the codec (which enforces it), the JSON
 * Schema (which advertises it) and the example builder (which produces it).
 */

export interface IntegerRange {
  min: number;
  max: number;
}

/** `byte` takes -128..255: Java peers think signed, Python/JS unsigned; the octet is the same. */
export const INTEGER_RANGES = {
  byte: { min: -128, max: 255 },
  short: { min: -32768, max: 32767 },
  int: { min: -2147483648, max: 2147483647 },
} as const satisfies Record<string, IntegerRange>;

/** Elements of a `sequence<byte>` given as numbers: what the decoder returns and JSON shows. */
export const OCTET_RANGE: IntegerRange = { min: 0, max: 255 };

export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Decimal integer strings: the JSON form of a `long` beyond ±2^53. */
export const DECIMAL_INTEGER = /^-?[0-9]+$/;
/** Integer dictionary keys as JSON object keys: canonical decimal, so two keys never name one integer. */
export const INTEGER_KEY = /^(?:0|-?[1-9][0-9]*)$/;
/** float/double dictionary keys as JSON object keys: a JSON number or NaN, Infinity, -Infinity. */
export const NUMBER_KEY = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|NaN|-?Infinity)$/;

/** How JSON spells the float values it cannot write as numbers. */
export const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
  '-0': -0,
};

/** The label used in "expected …" messages and schema descriptions. */
export function builtinLabel(name: BuiltinName): string {
  switch (name) {
    case 'byte':
    case 'short':
    case 'int': {
      const r = INTEGER_RANGES[name];
      return `${name} (${r.min}..${r.max})`;
    }
    case 'long':
      return 'long (bigint, safe integer or decimal string)';
    case 'float':
      return `float (number within ±${formatNumber(FLOAT32_MAX)})`;
    default:
      return name;
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** A number as people write it: `1e10` rather than `10000000000`; `40000` and `2147483648` as they are. */
export function formatNumber(v: number): string {
  if (Object.is(v, -0)) return '-0';
  const plain = String(v).replace('e+', 'e');
  const exp = v.toExponential().replace('e+', 'e');
  return exp.length + 3 < plain.length ? exp : plain;
}

/** A short rendering of a value for "got …": the value for primitives, the kind for the rest. */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return formatNumber(v);
    case 'bigint':
      return `${v}n`;
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      if (v instanceof Uint8Array) return 'Uint8Array';
      if (v instanceof Map) return 'Map';
      return isPlainObject(v) ? 'object' : (v.constructor?.name ?? 'object');
    default:
      return typeof v;
  }
}

/** The kind of a value for "expected X, got Y" when the JS type itself is wrong. */
export function describeKind(v: unknown): string {
  if (typeof v === 'object') return describeValue(v);
  return typeof v;
}

/** Sets an own property even when the key is `__proto__` (dictionary keys come from data). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The declaration a `ref` names; a missing one means the model is inconsistent. */
export function declOf(model: IdlModel, name: QualifiedName): TypeDecl {
  const decl = model.types[name];
  if (!decl) throw new Error(`type ${name} is not declared in the model`);
  return decl;
}

/**
 * A JSON object key read as a dictionary key of builtin type `name` (`"1"` → 1 for int,
 * `"9007199254740993"` → 9007199254740993n for long), or undefined when it cannot be one.
 * Range checks are left to the key's encoder.
 */
export function keyFromString(name: BuiltinName, s: string): unknown {
  switch (name) {
    case 'string':
      return s;
    case 'bool':
      return s === 'true' ? true : s === 'false' ? false : undefined;
    case 'long':
      return INTEGER_KEY.test(s) ? BigInt(s) : undefined;
    case 'float':
    case 'double':
      return NUMBER_KEY.test(s) ? Number(s) : undefined;
    default:
      return INTEGER_KEY.test(s) ? Number(s) : undefined;
  }
}
