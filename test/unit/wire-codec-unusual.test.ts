import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/idl/compile.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { CodecError, WireError } from '../../shared/wire/errors.js';
import { exampleParams, exampleValue } from '../../shared/wire/example.js';
import { paramsJsonSchema, typeJsonSchema } from '../../shared/wire/json-schema.js';
import { toJsonValue } from '../../shared/wire/json-value.js';

// Recursive types: a qualified name may refer forward (spec §4.3), so a struct can contain itself through a sequence.

const { model, diagnostics } = compile([
  {
    path: 'tree.idl',
    text: `module tree{
  struct Node_t{ string name; tree::NodeList kids; };
  sequence<Node_t> NodeList;
  interface Trees{ Node_t echo(Node_t root); };
}`,
  },
]);
const codec = createCodec(model);
const node = { kind: 'ref', name: 'tree.Node_t' } as const;
const echo = model.interfaces['tree.Trees']!.operations[0]!;

describe('recursive types', () => {
  it('compile', () => expect(diagnostics).toEqual([]));

  it('round-trip a tree', () => {
    const tree = {
      name: 'root',
      kids: [
        { name: 'a', kids: [] },
        { name: 'b', kids: [{ name: 'c', kids: [] }] },
      ],
    };
    const w = new ByteWriter();
    codec.encodeValue(node, tree, w);
    expect(codec.decodeValue(node, new ByteReader(w.finish()))).toEqual(tree);
  });

  it('name the place of a bad value deep inside', () => {
    const tree = { name: 'root', kids: [{ name: 'a', kids: [{ name: 7, kids: [] }] }] };
    expect(() => codec.encodeParams(echo, [tree])).toThrow(
      new CodecError('param root.kids[0].kids[0].name', 'expected string, got number'),
    );
  });

  it('have a finite example that fits the schema', () => {
    expect(exampleValue(model, node)).toEqual({ name: 'text', kids: [] });
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validate(typeJsonSchema(model, node), { name: 'x', kids: [{ name: 'y', kids: [] }] })).toBe(true);
    expect(ajv.validate(paramsJsonSchema(model, echo), exampleParams(model, echo))).toBe(true);
    expect(ajv.validate(typeJsonSchema(model, node), { name: 'x', kids: [{ name: 'y' }] })).toBe(false);
  });

  it('have a parameters schema for both forms the codec takes: by name and in order, nothing more or less', () => {
    const ajv = new Ajv2020({ strict: true });
    const params = paramsJsonSchema(model, echo);
    const root = { name: 'r', kids: [] };
    expect(codec.encodeParams(echo, [root])).toEqual(codec.encodeParams(echo, { root }));
    expect(ajv.validate(params, { root })).toBe(true);
    expect(ajv.validate(params, [root])).toBe(true);
    expect(ajv.validate(params, [])).toBe(false);
    expect(ajv.validate(params, [root, root])).toBe(false);
    expect(ajv.validate(params, [{ name: 1, kids: [] }])).toBe(false);
    expect(ajv.validate(params, { root, other: 1 })).toBe(false);
    expect(ajv.validate(params, {})).toBe(false);
  });

  it('refuse nesting deeper than the stack as a wire error, not a crash', () => {
    // name "" then one kid, 200 000 levels down: 8 bytes a level, well under a 2 MiB frame.
    const depth = 200_000;
    const w = new ByteWriter(depth * 8 + 8);
    for (let i = 0; i < depth; i++) w.u32(0).u32(1);
    w.u32(0).u32(0);
    const e = (() => {
      try {
        codec.decodeParams(echo, w.finish());
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(WireError);
    expect((e as WireError).message).toBe('params: value nested too deeply');
  });

  it('refuse a value that contains itself', () => {
    const loop: { name: string; kids: unknown[] } = { name: 'loop', kids: [] };
    loop.kids.push(loop);
    expect(() => codec.encodeParams(echo, [loop])).toThrow(
      new CodecError('params', 'value nested too deeply (does it contain itself?)'),
    );
  });
});

describe('field names that mean something to JavaScript', () => {
  const { model: odd } = compile([
    {
      path: 'odd.idl',
      text: 'module odd{ struct In_t{ int a; }; struct S_t{ In_t __proto__; string constructor; }; interface I{ S_t echo(S_t v); }; }',
    },
  ]);
  const oddCodec = createCodec(odd);
  const op = odd.interfaces['odd.I']!.operations[0]!;

  it('stay plain data through encode, decode and the JSON view', () => {
    const value = JSON.parse('{"__proto__": {"a": 5}, "constructor": "x"}') as Record<string, unknown>;
    const bytes = oddCodec.encodeParams(op, [value]);
    expect(Array.from(bytes)).toEqual([0, 0, 0, 5, 0, 0, 0, 1, 0x78]);
    const back = oddCodec.decodeParams(op, bytes).v as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(back)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(toJsonValue(back))).toBe('{"__proto__":{"a":5},"constructor":"x"}');
  });
});
