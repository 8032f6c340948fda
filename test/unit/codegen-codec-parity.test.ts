// Property: for random values of every all-types type, the generated code and the model-driven
// codec (shared/wire/codec.ts) write identical bytes, and each decodes what the other wrote.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TypeRef } from '../../shared/idl/model.js';
import type { CallTarget, OutgoingCall } from '../../shared/runtime.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { rpcMessage } from '../../shared/wire/message.js';
import * as alltypes from '../golden/all-types/alltypes.js';
import { caseModel } from './codegen-fixtures.js';
import { arbitraryValue, normalize } from '../support/arbitraries.js';

const model = caseModel('all-types');
const codec = createCodec(model);

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
        fc.property(arbitraryValue(model, type), (value) => {
          const ours = bytesOf((w) => generated[decl.name]!.encode(w, value));
          const theirs = bytesOf((w) => codec.encodeValue(type, value, w));
          expect(ours).toEqual(theirs);
          const decoded = normalize(model, type, value);
          expect(generated[decl.name]!.decode(new ByteReader(theirs))).toEqual(decoded);
          expect(codec.decodeValue(type, new ByteReader(ours))).toEqual(decoded);
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
          fc.property(fc.tuple(...op.params.map((p) => arbitraryValue(model, p.type))), (args) => {
            void Promise.resolve(proxy[op.name]!(...args)).catch(() => {});
            expect(capture.last!.params).toEqual(codec.encodeParams(op, args));
          }),
          { numRuns: 100 },
        );
      });
    }
  }
});
