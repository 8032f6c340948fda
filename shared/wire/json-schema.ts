import {
  type BuiltinName,
  type IdlModel,
  type Operation,
  type TypeDecl,
  type TypeRef,
  typeRefToString,
} from '../idl/model.js';
import {
  DECIMAL_INTEGER,
  FLOAT32_MAX,
  INTEGER_KEY,
  INTEGER_RANGES,
  NUMBER_KEY,
  OCTET_RANGE,
  SPECIAL_FLOATS,
  builtinLabel,
  declOf,
} from './value-rules.js';

/**
 * JSON Schema (draft 2020-12) of the JSON form the codec accepts (see toJsonValue), for the
 * console's JSON editor: completion, hover docs and validation. Named types go to `$defs`
 * under their qualified name and are referenced with `$ref`.
 */
export type JsonSchema = { [keyword: string]: unknown };

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The `args` of a call, in either form the codec takes: an object with one property per
 * parameter (all required, nothing else), or an array of the parameters in order.
 */
export function paramsJsonSchema(model: IdlModel, op: Operation): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const params = op.params.map((p) => ({ name: p.name, schema: schemaOf(model, p.type, defs) }));
  const named: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.map((p) => p.name),
    additionalProperties: false,
  };
  const positional: JsonSchema = {
    type: 'array',
    // prefixItems may not be empty: with no parameters, `items: false` alone allows only [].
    ...(params.length ? { prefixItems: params.map((p) => ({ title: p.name, ...p.schema })) } : {}),
    items: false,
    minItems: params.length,
  };
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: `${op.owner}.${op.name} parameters`,
    ...describe(op),
    anyOf: [named, positional],
    ...(Object.keys(defs).length ? { $defs: defs } : {}),
  };
}

/** The value a call returns; `null` for void. */
export function resultJsonSchema(model: IdlModel, op: Operation): JsonSchema {
  return { ...typeJsonSchema(model, op.returns), title: `${op.owner}.${op.name} result`, ...describe(op) };
}

/** The JSON form of one type, e.g. for a single field's editor. */
export function typeJsonSchema(model: IdlModel, type: TypeRef): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const schema = schemaOf(model, type, defs);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: typeRefToString(type),
    ...schema,
    ...(Object.keys(defs).length ? { $defs: defs } : {}),
  };
}

/** What bytesOfText (base64.ts) accepts, for the editor. */
const BYTES_TEXT = /^(0[xX]([0-9a-fA-F]{2})*|[A-Za-z0-9+/]*={0,2})$/;

const describe = (op: Operation): JsonSchema => (op.annotations.comment ? { description: op.annotations.comment } : {});

const specialFloats = { enum: Object.keys(SPECIAL_FLOATS) };

function builtinSchema(name: BuiltinName): JsonSchema {
  const description = builtinLabel(name);
  switch (name) {
    case 'byte':
    case 'short':
    case 'int': {
      const { min, max } = INTEGER_RANGES[name];
      return { type: 'integer', minimum: min, maximum: max, description };
    }
    case 'long':
      return {
        anyOf: [
          { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
          { type: 'string', pattern: DECIMAL_INTEGER.source },
        ],
        description: 'long: an integer, as a decimal string beyond ±2^53 (-9223372036854775808..9223372036854775807)',
      };
    case 'float':
      return { anyOf: [{ type: 'number', minimum: -FLOAT32_MAX, maximum: FLOAT32_MAX }, specialFloats], description };
    case 'double':
      return { anyOf: [{ type: 'number' }, specialFloats], description };
    case 'bool':
      return { type: 'boolean', description };
    case 'string':
      return { type: 'string', description };
  }
}

/** How each key type is spelled as a JSON object key (what keyFromString reads). */
function keyNames(name: BuiltinName): JsonSchema | null {
  if (name === 'string') return null;
  if (name === 'bool') return { enum: ['true', 'false'] };
  return { pattern: (name === 'float' || name === 'double' ? NUMBER_KEY : INTEGER_KEY).source };
}

function schemaOf(model: IdlModel, type: TypeRef, defs: Record<string, JsonSchema>): JsonSchema {
  if (type.kind === 'void') return { type: 'null', description: 'void' };
  if (type.kind === 'builtin') return builtinSchema(type.name);
  if (!(type.name in defs)) {
    const decl = declOf(model, type.name);
    defs[type.name] = {}; // placeholder: a type that contains itself refers to it
    defs[type.name] = {
      title: decl.qname,
      ...(decl.doc ? { description: decl.doc } : {}),
      ...declSchema(model, decl, defs),
    };
  }
  return { $ref: `#/$defs/${type.name}` };
}

function declSchema(model: IdlModel, decl: TypeDecl, defs: Record<string, JsonSchema>): JsonSchema {
  switch (decl.kind) {
    case 'struct': {
      const properties: Record<string, JsonSchema> = {};
      for (const f of decl.fields) properties[f.name] = schemaOf(model, f.type, defs);
      return { type: 'object', properties, required: decl.fields.map((f) => f.name), additionalProperties: false };
    }
    case 'sequence':
      if (decl.element.kind === 'builtin' && decl.element.name === 'byte') {
        return {
          anyOf: [
            { type: 'array', items: { type: 'integer', minimum: OCTET_RANGE.min, maximum: OCTET_RANGE.max } },
            { type: 'string', pattern: BYTES_TEXT.source },
          ],
          description: 'bytes: an array of octets, a base64 string, or 0x and hex digits',
        };
      }
      return { type: 'array', items: schemaOf(model, decl.element, defs) };
    case 'dictionary': {
      const value = schemaOf(model, decl.value, defs);
      if (decl.key.kind === 'builtin') {
        const names = keyNames(decl.key.name);
        return { type: 'object', ...(names ? { propertyNames: names } : {}), additionalProperties: value };
      }
      const key = schemaOf(model, decl.key, defs);
      return { type: 'array', items: { type: 'array', prefixItems: [key, value], minItems: 2, maxItems: 2 } };
    }
  }
}
