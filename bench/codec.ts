import protobuf from 'protobufjs';
import { compile } from '../shared/idl/compile.js';
import { formatDiagnostic, hasErrors } from '../shared/idl/diagnostics.js';
import type { TypeRef } from '../shared/idl/model.js';
import { ByteReader, ByteWriter } from '../shared/wire/bytes.js';
import { createCodec } from '../shared/wire/codec.js';
import * as sns from '../support/generated/sns/sns.js';
import { SNS_MESSAGE } from './codegen.js';
import type { BenchRow } from './types.js';

/**
 * Encode+decode throughput of an sns.Message_t-sized value: the model-driven codec against
 * protobufjs (reflection, which compiles its own codec at first use) on the equivalent message.
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

/** Calls per second of fn, run in batches for about `ms` after a warm-up of half that. */
function opsPerSecond(fn: () => unknown, ms: number): number {
  const batch = 1000;
  const run = (until: number): number => {
    let n = 0;
    while (performance.now() < until) {
      for (let i = 0; i < batch; i++) fn();
      n += batch;
    }
    return n;
  };
  run(performance.now() + ms / 2);
  const start = performance.now();
  const n = run(start + ms);
  return (n * 1000) / (performance.now() - start);
}

/** Best of several interleaved rounds, so a busy moment on the machine hurts no contender alone. */
function bestOf(contenders: Record<string, () => unknown>, rounds = 3, ms = 400): Record<string, number> {
  const best: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      // One contender's garbage should not be collected on the next one's time (`npm run bench` exposes gc).
      (globalThis as { gc?: () => void }).gc?.();
      best[name] = Math.max(best[name] ?? 0, opsPerSecond(fn, ms));
    }
  }
  return best;
}

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

  const ops = bestOf({
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
  });
  if (sink === 0) throw new Error('benchmark produced nothing');
  const theirs = ops['protobufjs'] ?? 1;
  const row = (name: string, key: string, goal?: string): BenchRow => {
    const value = ops[key] ?? 0;
    return { name: `sns.Message_t encode+decode, ${name}`, value: Math.round(value), unit: 'ops/s', ratio: value / theirs, ...(goal ? { goal } : {}) };
  };
  return [
    row('generated code', 'generated', '≥ 1.5× protobufjs'),
    row('model codec', 'model', '≥ 1.0× protobufjs'),
    row('generated code, bytes copied out', 'generatedCopied'),
    row('model codec, bytes copied out', 'modelCopied'),
    { name: 'sns.Message_t encode+decode, protobufjs', value: Math.round(theirs), unit: 'ops/s' },
  ];
}
