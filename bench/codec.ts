import protobuf from 'protobufjs';
import type { IdlModel, TypeRef } from '../shared/idl/model.js';
import { ByteReader, ByteWriter } from '../shared/wire/bytes.js';
import { createCodec } from '../shared/wire/codec.js';
import type { BenchRow } from './types.js';

/**
 * Encode+decode throughput of an sns.Message_t-sized value: the model-driven codec against
 * protobufjs (reflection, which compiles its own codec at first use) on the equivalent message.
 */

const RANGE = { file: 'sns.idl', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

/** The two structs of idl-samples/sns.idl, as the IDL compiler models them. */
export const SNS_MODEL: IdlModel = {
  modules: [{ name: 'sns', types: ['sns.Tick_t', 'sns.Message_t'], interfaces: [], files: ['sns.idl'] }],
  types: {
    'sns.Tick_t': { kind: 'struct', name: 'Tick_t', module: 'sns', qname: 'sns.Tick_t', range: RANGE, fields: [{ name: 'tick1', type: { kind: 'builtin', name: 'int' }, range: RANGE }] },
    'sns.Message_t': {
      kind: 'struct',
      name: 'Message_t',
      module: 'sns',
      qname: 'sns.Message_t',
      range: RANGE,
      fields: [
        { name: 'tick', type: { kind: 'ref', name: 'sns.Tick_t' }, range: RANGE },
        { name: 'sender_id', type: { kind: 'builtin', name: 'string' }, range: RANGE },
        { name: 'issue_time', type: { kind: 'builtin', name: 'string' }, range: RANGE },
        { name: 'content', type: { kind: 'builtin', name: 'string' }, range: RANGE },
      ],
    },
  },
  interfaces: {},
};

const PROTO = `
syntax = "proto3";
message Tick { int32 tick1 = 1; }
message Message { Tick tick = 1; string sender_id = 2; string issue_time = 3; string content = 4; }
`;

/** A chat message as the sns sample sends them. */
export const SAMPLE_MESSAGE = {
  tick: { tick1: 1_508_000_000 },
  sender_id: 'A1001',
  issue_time: '2017-10-14 12:00:00',
  content: 'hello from A1001, are you there?',
};

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
    for (const [name, fn] of Object.entries(contenders)) best[name] = Math.max(best[name] ?? 0, opsPerSecond(fn, ms));
  }
  return best;
}

export async function benchCodec(): Promise<BenchRow[]> {
  const type: TypeRef = { kind: 'ref', name: 'sns.Message_t' };
  const codec = createCodec(SNS_MODEL).codecFor(type);
  const Message = protobuf.parse(PROTO).root.lookupType('Message');
  const w = new ByteWriter(256);
  let sink = 0;
  const use = (back: unknown): void => {
    sink += (back as typeof SAMPLE_MESSAGE).content.length;
  };

  const ops = bestOf({
    // How connections use it: encode into a reused writer, decode the bytes it holds.
    reused: () => {
      codec.encode(SAMPLE_MESSAGE, w.reset());
      use(codec.decode(new ByteReader(w.written())));
    },
    // encodeParams-style: the bytes are copied out into a Uint8Array of their own first.
    copied: () => {
      codec.encode(SAMPLE_MESSAGE, w.reset());
      use(codec.decode(new ByteReader(w.finish())));
    },
    // protobufjs writes into pooled memory (Node's Buffer pool) at finish().
    protobufjs: () => use(Message.decode(Message.encode(SAMPLE_MESSAGE).finish())),
  });
  if (sink === 0) throw new Error('benchmark produced nothing');
  const { reused = 0, copied = 0, protobufjs: theirs = 1 } = ops;

  return [
    { name: 'sns.Message_t encode+decode, model codec (reused writer)', value: Math.round(reused), unit: 'ops/s', ratio: reused / theirs, goal: '≥ 1.0× protobufjs' },
    { name: 'sns.Message_t encode+decode, model codec (bytes copied out)', value: Math.round(copied), unit: 'ops/s', ratio: copied / theirs },
    { name: 'sns.Message_t encode+decode, protobufjs', value: Math.round(theirs), unit: 'ops/s' },
  ];
}
