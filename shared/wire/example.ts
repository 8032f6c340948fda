import type { BuiltinName, IdlModel, Operation, TypeRef } from '../idl/model.js';
import type { JsonValue } from './json-value.js';
import { declOf } from './value-rules.js';

/**
 * A plausible value of any type, in the JSON form a user edits (the console's "fill example"):
 * small numbers, non-empty strings, one-element containers, nested structs filled in. Always
 * valid for the codec's encoders and for the type's JSON Schema.
 */
export function exampleValue(model: IdlModel, type: TypeRef): JsonValue {
  return example(model, type, new Set());
}

/** An example for every parameter, keyed by name: the `args` object of an invoke. */
export function exampleParams(model: IdlModel, op: Operation): Record<string, JsonValue> {
  const args: Record<string, JsonValue> = {};
  for (const p of op.params) args[p.name] = exampleValue(model, p.type);
  return args;
}

const BUILTIN_EXAMPLES: Record<BuiltinName, JsonValue> = {
  byte: 1,
  bool: true,
  short: 1,
  int: 1,
  long: 1,
  float: 1.5,
  double: 1.5,
  string: 'text',
};

/** Dictionary keys as JSON object keys. */
const KEY_EXAMPLES: Record<BuiltinName, string> = {
  byte: '1',
  bool: 'true',
  short: '1',
  int: '1',
  long: '1',
  float: '1.5',
  double: '1.5',
  string: 'key',
};

/**
 * `open` holds the named types being built: a container whose elements would be one of them
 * stays empty, so recursive types get finite examples.
 */
function example(model: IdlModel, type: TypeRef, open: Set<string>): JsonValue {
  if (type.kind === 'void') return null;
  if (type.kind === 'builtin') return BUILTIN_EXAMPLES[type.name];
  const decl = declOf(model, type.name);
  const isOpen = (t: TypeRef): boolean => t.kind === 'ref' && open.has(t.name);
  open.add(decl.qname);
  let value: JsonValue;
  switch (decl.kind) {
    case 'struct':
      value = Object.fromEntries(
        decl.fields.filter((f) => !isOpen(f.type)).map((f) => [f.name, example(model, f.type, open)]),
      );
      break;
    case 'sequence':
      value = isOpen(decl.element) ? [] : [example(model, decl.element, open)];
      break;
    case 'dictionary': {
      const { key, value: v } = decl;
      if (key.kind === 'builtin') value = isOpen(v) ? {} : { [KEY_EXAMPLES[key.name]]: example(model, v, open) };
      else value = isOpen(key) || isOpen(v) ? [] : [[example(model, key, open), example(model, v, open)]];
      break;
    }
  }
  open.delete(decl.qname);
  return value;
}
