import fc from 'fast-check';
import type { IdlModel, TypeRef } from '../../shared/idl/model.js';
import { FLOAT32_MAX, LONG_MAX, LONG_MIN } from '../../shared/wire/value-rules.js';

/**
 * fast-check arbitraries for any IDL type, derived from the model: native values as generated
 * code and the codec's decoders use them, spread over each type's whole accepted range
 * (`byte` -128..255, floats that are not float32-exact, NaN, ±Infinity, -0, astral strings).
 * `normalize` gives what a value decodes back to.
 */
export interface ArbitraryOptions {
  /** Longest generated sequence/dictionary/byte string (default 4). */
  maxLength?: number;
}

export function arbitraryValue(model: IdlModel, type: TypeRef, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const maxLength = options.maxLength ?? 4;
  const of = (t: TypeRef): fc.Arbitrary<unknown> => {
    if (t.kind === 'void') return fc.constant(undefined);
    if (t.kind === 'builtin') {
      switch (t.name) {
        case 'byte':
          return fc.integer({ min: -128, max: 255 });
        case 'bool':
          return fc.boolean();
        case 'short':
          return fc.integer({ min: -32768, max: 32767 });
        case 'int':
          return fc.integer({ min: -2147483648, max: 2147483647 });
        case 'long':
          return fc.bigInt({ min: LONG_MIN, max: LONG_MAX });
        case 'float':
          return fc.oneof(fc.float(), fc.double({ min: -FLOAT32_MAX, max: FLOAT32_MAX }));
        case 'double':
          return fc.double();
        case 'string':
          return fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.string({ unit: 'grapheme', maxLength: 6 }),
            fc.string({ minLength: 65, maxLength: 90 }),
          );
      }
    }
    const decl = model.types[t.name];
    if (!decl) throw new Error(`unknown type ${t.name}`);
    switch (decl.kind) {
      case 'struct':
        return fc.record(Object.fromEntries(decl.fields.map((f) => [f.name, of(f.type)])));
      case 'sequence':
        if (decl.element.kind === 'builtin' && decl.element.name === 'byte')
          return fc.uint8Array({ maxLength: maxLength * 4 });
        return fc.array(of(decl.element), { maxLength });
      case 'dictionary':
        return fc.array(fc.tuple(of(decl.key), of(decl.value)), { maxLength }).map((entries) => new Map(entries));
    }
  };
  return of(type);
}

/** What `value` of `type` decodes back to: bytes as 0..255, floats rounded to float32. */
export function normalize(model: IdlModel, type: TypeRef, value: unknown): unknown {
  if (type.kind === 'void') return undefined;
  if (type.kind === 'builtin') {
    if (type.name === 'byte') return (value as number) & 0xff;
    if (type.name === 'float') return Math.fround(value as number);
    return value;
  }
  const decl = model.types[type.name]!;
  switch (decl.kind) {
    case 'struct': {
      const o = value as Record<string, unknown>;
      return Object.fromEntries(decl.fields.map((f) => [f.name, normalize(model, f.type, o[f.name])]));
    }
    case 'sequence':
      return value instanceof Uint8Array ? value : (value as unknown[]).map((v) => normalize(model, decl.element, v));
    case 'dictionary':
      return new Map(
        Array.from(value as Map<unknown, unknown>, ([k, v]) => [
          normalize(model, decl.key, k),
          normalize(model, decl.value, v),
        ]),
      );
  }
}
