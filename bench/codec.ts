import protobuf from 'protobufjs';
import { compile } from '../shared/idl/compile.js';
import { formatDiagnostic, hasErrors } from '../shared/idl/diagnostics.js';
import type { TypeRef } from '../shared/idl/model.js';
import { ByteReader, ByteWriter } from '../shared/wire/bytes.js';
import { createCodec } from '../shared/wire/codec.js';
import * as sns from '../support/generated/sns/sns.js';
import { SNS_MESSAGE } from './codegen.js';
import { alternateRates, goals, ratios, row, type Goal } from './measure.js';
import type { BenchRow } from './types.js';

/**
 * Encode+decode throughput of an sns.Message_t-sized value: the model-driven codec against
 * protobufjs (reflection, which compiles its own codec at first use) on the equivalent message,
 * in alternating rounds.
 */

/** The structs of idl-samples/sns.idl. */
const SNS_IDL = `module sns{
	struct Tick_t{ int tick1; };
	struct Message_t{ Tick_t tick; string sender_id; string issue_time; string content; };
}`;

const PROTO = `
syntax = "proto3";
message Tick { int32 tick1 = 1; }
message Message { Tick tick = 1; string sender_id = 2; string issue_time = 3; string content = 4; }
`;

/** Per contender and round. */
const ROUND_MS = 400;

/**
 * Encode+decode of SNS_MESSAGE through the generated code, the model codec and protobufjs,
 * interleaved in one harness. Ours write into a reused writer and decode its bytes, as the
 * runtime does; the copied-out rows add the cost of an owned Uint8Array per message.
 */
export async function benchCodec(): Promise<BenchRow[]> {
  const type: TypeRef = { kind: 'ref', name: 'sns.Message_t' };
  const { model, diagnostics } = compile([{ path: 'sns.idl', text: SNS_IDL }]);
  if (hasErrors(diagnostics)) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  const codec = createCodec(model).codecFor(type);
  const Message = protobuf.parse(PROTO).root.lookupType('Message');
  const w = new ByteWriter(256);
  let sink = 0;
  const use = (back: { content: string }): void => {
    sink += back.content.length;
  };

  const ops = await alternateRates(
    {
      generated: () => {
        sns.Message_t.encode(w.reset(), SNS_MESSAGE);
        use(sns.Message_t.decode(new ByteReader(w.written())));
      },
      model: () => {
        codec.encode(SNS_MESSAGE, w.reset());
        use(codec.decode(new ByteReader(w.written())) as typeof SNS_MESSAGE);
      },
      generatedCopied: () => {
        sns.Message_t.encode(w.reset(), SNS_MESSAGE);
        use(sns.Message_t.decode(new ByteReader(w.finish())));
      },
      modelCopied: () => {
        codec.encode(SNS_MESSAGE, w.reset());
        use(codec.decode(new ByteReader(w.finish())) as typeof SNS_MESSAGE);
      },
      // protobufjs writes into pooled memory (Node's Buffer pool) at finish().
      protobufjs: () => use(Message.decode(Message.encode(SNS_MESSAGE).finish()) as unknown as typeof SNS_MESSAGE),
    },
    ROUND_MS,
  );
  if (sink === 0) throw new Error('benchmark produced nothing');
  const theirs = ops.protobufjs;
  const codecRow = (name: string, key: keyof typeof ops, goal: Goal = {}): BenchRow =>
    row(`sns.Message_t encode+decode, ${name}`, 'ops/s', ops[key], { ratios: ratios(ops[key], theirs), ...goal });
  return [
    codecRow('generated code', 'generated', goals.ratioAtLeast(1.5, 'protobufjs')),
    codecRow('model codec', 'model', goals.ratioAtLeast(1.0, 'protobufjs')),
    codecRow('generated code, bytes copied out', 'generatedCopied'),
    codecRow('model codec, bytes copied out', 'modelCopied'),
    row('sns.Message_t encode+decode, protobufjs', 'ops/s', theirs),
  ];
}
