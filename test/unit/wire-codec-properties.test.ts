import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, type IdlModel, type Operation, type TypeRef, typeRefToString } from '../../shared/idl/model.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { WireError } from '../../shared/wire/errors.js';
import { exampleParams, exampleValue } from '../../shared/wire/example.js';
import { type JsonSchema, paramsJsonSchema, resultJsonSchema, typeJsonSchema } from '../../shared/wire/json-schema.js';
import { toJsonValue } from '../../shared/wire/json-value.js';
import { arbitraryValue, normalize } from '../support/arbitraries.js';
import { allTypesModel } from '../support/models.js';

// Properties of the model-driven codec over every type of idl-samples/all-types.idl:
// native → bytes → native, native → JSON text → the same bytes, and the JSON Schema accepts
// every JSON view and every example.

const model: IdlModel = allTypesModel();
const codec = createCodec(model);
const ajv = new Ajv2020({ strict: true, allErrors: true });

const types: TypeRef[] = [
  ...BUILTIN_NAMES.map((name): TypeRef => ({ kind: 'builtin', name })),
  ...model.modules.flatMap((m) => m.types).map((name): TypeRef => ({ kind: 'ref', name })),
];
const operations: Operation[] = Object.values(model.interfaces).flatMap((i) => i.operations);

const encode = (type: TypeRef, value: unknown): Uint8Array => {
  const w = new ByteWriter(0);
  codec.encodeValue(type, value, w);
  return w.finish();
};

/** Through JSON text, as the console and tce-call pass values. */
const viaJsonText = (value: unknown): unknown => JSON.parse(JSON.stringify(toJsonValue(value)));

/**
 * Whether the JSON view keeps every dictionary's entry order: JS objects list integer-like
 * keys first, ascending, so `{-1: …, 0: …}` comes back as `{"0": …, "-1": …}`. Entry order
 * means nothing on the wire (spec §1.6, §2.1) but changes the bytes.
 */
function jsonKeepsOrder(value: unknown): boolean {
  if (value instanceof Map) {
    const keys = Array.from(value.keys(), String);
    const object = Object.fromEntries(keys.map((k) => [k, 0]));
    return Object.keys(object).join('\0') === keys.join('\0') && Array.from(value.values()).every(jsonKeepsOrder);
  }
  if (Array.isArray(value)) return value.every(jsonKeepsOrder);
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))
    return Object.values(value).every(jsonKeepsOrder);
  return true;
}

/** The JSON view encodes to the same bytes, or, where JSON reorders a dictionary, to the same value. */
function expectSameEncoding(type: TypeRef, json: unknown, bytes: Uint8Array, original: unknown): void {
  const again = encode(type, json);
  if (jsonKeepsOrder(original)) {
    expect(again).toEqual(bytes);
  } else {
    expect(again.length).toBe(bytes.length);
    expect(codec.decodeValue(type, new ByteReader(again))).toEqual(codec.decodeValue(type, new ByteReader(bytes)));
  }
}

const validators = new WeakMap<JsonSchema, ValidateFunction>();

function expectValid(schema: JsonSchema, json: unknown): void {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
  if (!validate(json)) throw new Error(`${JSON.stringify(json)} fails its schema: ${ajv.errorsText(validate.errors)}`);
}

describe('codec round trips (property)', () => {
  for (const type of types) {
    const name = typeRefToString(type);
    const schema = typeJsonSchema(model, type);

    it(`${name}: native → bytes → native, JSON view → same bytes, JSON view fits the schema`, () => {
      fc.assert(
        fc.property(arbitraryValue(model, type), (value) => {
          const bytes = encode(type, value);
          const r = new ByteReader(bytes);
          const back = codec.decodeValue(type, r);
          expect(r.remaining).toBe(0);
          expect(back).toEqual(normalize(model, type, value));

          expectSameEncoding(type, viaJsonText(value), bytes, value);
          expectSameEncoding(type, viaJsonText(back), bytes, back);
          expectValid(schema, viaJsonText(value));
          expectValid(schema, viaJsonText(back));
        }),
        { numRuns: 150 },
      );
    });

    it(`${name}: every strict prefix of an encoding is truncated`, () => {
      fc.assert(
        fc.property(
          arbitraryValue(model, type).chain((value) => {
            const bytes = encode(type, value);
            return fc.tuple(fc.constant(bytes), fc.nat({ max: bytes.length - 1 }));
          }),
          ([bytes, cut]) => {
            const decode = () => codec.decodeValue(type, new ByteReader(bytes.subarray(0, cut)));
            expect(decode).toThrow(WireError);
            expect(decode).toThrow(/^value\b/);
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  for (const op of operations) {
    const label = `${op.owner}.${op.name}`;
    const args = fc.tuple(...op.params.map((p) => arbitraryValue(model, p.type)));
    const paramsSchema = paramsJsonSchema(model, op);
    const resultSchema = resultJsonSchema(model, op);

    it(`${label}: parameters, positional or by name, and the result`, () => {
      fc.assert(
        fc.property(args, arbitraryValue(model, op.returns), (values, result) => {
          const params = codec.encodeParams(op, values);
          const concatenated = new ByteWriter();
          op.params.forEach((p, i) => codec.encodeValue(p.type, values[i], concatenated));
          expect(params).toEqual(concatenated.finish());
          const named = Object.fromEntries(op.params.map((p, i) => [p.name, values[i]]));
          expect(codec.encodeParams(op, named)).toEqual(params);
          const fromJson = codec.encodeParams(op, viaJsonText(named) as Record<string, unknown>);
          if (jsonKeepsOrder(values)) expect(fromJson).toEqual(params);
          else expect(codec.decodeParams(op, fromJson)).toEqual(codec.decodeParams(op, params));

          const expected = Object.fromEntries(op.params.map((p, i) => [p.name, normalize(model, p.type, values[i])]));
          expect(codec.decodeParams(op, params)).toEqual(expected);
          // Trailing bytes are ignored (spec §1.8).
          expect(codec.decodeParams(op, Uint8Array.of(...params, 1, 2, 3))).toEqual(expected);
          expectValid(paramsSchema, viaJsonText(named));
          expectValid(paramsSchema, viaJsonText(values));

          const returned = codec.encodeResult(op, result);
          expect(codec.decodeResult(op, returned)).toEqual(normalize(model, op.returns, result));
          if (op.returns.kind === 'void') expect(returned).toHaveLength(0);
          expectValid(resultSchema, viaJsonText(result));
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('examples', () => {
  it.each(types.map((t) => [typeRefToString(t), t] as const))(
    '%s: the example encodes and fits the schema',
    (_name, type) => {
      const example = exampleValue(model, type);
      expectValid(typeJsonSchema(model, type), example);
      const bytes = encode(type, example);
      expect(bytes.length).toBeGreaterThan(0);
      // Non-empty strings and one-element containers: the example shows the shape of the data.
      expect(JSON.stringify(example)).not.toMatch(/""|\[\]|\{\}/);
      expect(encode(type, viaJsonText(codec.decodeValue(type, new ByteReader(bytes))))).toEqual(bytes);
    },
  );

  it.each(operations.map((op) => [`${op.owner}.${op.name}`, op] as const))(
    '%s: exampleParams encode and fit the schema',
    (_name, op) => {
      const args = exampleParams(model, op);
      expect(Object.keys(args)).toEqual(op.params.map((p) => p.name));
      expectValid(paramsJsonSchema(model, op), args);
      expect(codec.decodeParams(op, codec.encodeParams(op, args))).toBeDefined();
    },
  );

  it('Everything_t example, spelled out', () => {
    expect(exampleValue(model, { kind: 'ref', name: 'alltypes.Everything_t' })).toEqual({
      b: 1,
      flag: true,
      s: 1,
      i: 1,
      l: 1,
      f: 1.5,
      d: 1.5,
      text: 'text',
      blob: [1],
      ints: [1],
      props: { key: 'text' },
      origin: { x: 1.5, y: 1.5 },
      path: [{ x: 1.5, y: 1.5 }],
      places: { key: { x: 1.5, y: 1.5 } },
      matrix: [[1]],
      nested: { key: { key: 'text' } },
      longs: [1],
    });
    expect(
      exampleParams(
        model,
        operations.find((op) => op.name === 'lookup')!,
      ),
    ).toEqual({ keys: [1] });
  });
});
