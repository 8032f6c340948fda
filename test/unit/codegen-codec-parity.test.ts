// Property: for random values of every all-types type, the generated code and the model-driven
// codec (shared/wire/codec.ts) write identical bytes, and each decodes what the other wrote.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IdlModel, TypeRef } from '../../shared/idl/model.js';
import type { CallTarget, OutgoingCall } from '../../shared/runtime.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { rpcMessage } from '../../shared/wire/message.js';
import * as alltypes from '../golden/all-types/alltypes.js';
import { caseModel } from './codegen-fixtures.js';

const model = caseModel('all-types');
const codec = createCodec(model);

/** Values of an IDL type in the native form both sides use (spec §2.1 ranges). */
function arbitrary(m: IdlModel, t: TypeRef): fc.Arbitrary<unknown> {
  if (t.kind === 'void') return fc.constant(undefined);
  if (t.kind === 'builtin') {
    switch (t.name) {
      case 'byte':
        return fc.integer({ min: 0, max: 255 });
      case 'bool':
        return fc.boolean();
      case 'short':
        return fc.integer({ min: -32768, max: 32767 });
      case 'int':
        return fc.integer({ min: -2147483648, max: 2147483647 });
      case 'long':
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
      case 'float':
        return fc.float();
      case 'double':
        return fc.double();
      case 'string':
        return fc.string({ unit: 'grapheme', maxLength: 12 });
    }
  }
  const decl = m.types[t.name]!;
  switch (decl.kind) {
    case 'struct':
      return fc.record(Object.fromEntries(decl.fields.map((f) => [f.name, arbitrary(m, f.type)])));
    case 'sequence':
      return decl.element.kind === 'builtin' && decl.element.name === 'byte'
        ? fc.uint8Array({ maxLength: 16 })
        : fc.array(arbitrary(m, decl.element), { maxLength: 3 });
    case 'dictionary':
      return fc.array(fc.tuple(arbitrary(m, decl.key), arbitrary(m, decl.value)), { maxLength: 3 }).map((entries) => new Map(entries));
  }
}

interface GeneratedType {
  encode(w: ByteWriter, v: unknown): void;
  decode(r: ByteReader): unknown;
}
const generated = alltypes as unknown as Record<string, GeneratedType>;

const bytesOf = (encode: (w: ByteWriter) => void): Uint8Array => {
  const w = new ByteWriter();
  encode(w);
  return w.finish();
};

describe('generated code and the model codec agree byte for byte', () => {
  for (const qname of model.modules[0]!.types) {
    const decl = model.types[qname]!;
    const type: TypeRef = { kind: 'ref', name: qname };
    it(`${decl.name} (${decl.kind})`, () => {
      fc.assert(
        fc.property(arbitrary(model, type), (value) => {
          const ours = bytesOf((w) => generated[decl.name]!.encode(w, value));
          const theirs = bytesOf((w) => codec.encodeValue(type, value, w));
          expect(ours).toEqual(theirs);
          expect(generated[decl.name]!.decode(new ByteReader(theirs))).toEqual(value);
          expect(codec.decodeValue(type, new ByteReader(ours))).toEqual(value);
        }),
        { numRuns: 150 },
      );
    });
  }

  const capture: CallTarget & { last?: OutgoingCall } = {
    call(call) {
      capture.last = call;
      return Promise.resolve(rpcMessage({ calltype: 2, params: new Uint8Array(64) }));
    },
    send(call) {
      capture.last = call;
    },
  };
  const proxy = new alltypes.MoreTypesProxy(capture) as unknown as Record<string, (...args: unknown[]) => unknown>;

  for (const qname of model.modules[0]!.interfaces) {
    for (const op of model.interfaces[qname]!.operations) {
      it(`parameters of ${qname}.${op.name}`, () => {
        fc.assert(
          fc.property(fc.tuple(...op.params.map((p) => arbitrary(model, p.type))), (args) => {
            void Promise.resolve(proxy[op.name]!(...args)).catch(() => {});
            expect(capture.last!.params).toEqual(codec.encodeParams(op, args));
          }),
          { numRuns: 100 },
        );
      });
    }
  }
});
