import { describe, expect, it } from 'vitest';
import { type IdlModel, type TypeRef, resolveOperation } from '../../shared/idl/model.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { FrameParser, encodeFrame } from '../../shared/wire/frame.js';
import {
  CallType,
  type RpcMessage,
  SendCallType,
  decodeMessage,
  encodeMessage,
  rpcMessage,
} from '../../shared/wire/message.js';
import { fromHex, toHex } from '../support/hex.js';
import { V1, V2, V3, V4, V5, V6, V8 } from '../support/spec-vectors.js';
import { allTypesModel, snsModel, testModel } from '../support/models.js';

// Spec §10: every vector is built from a message and the codec, compared byte for byte, then decoded back.

function operation(model: IdlModel, iface: string, name: string) {
  const resolved = resolveOperation(model, iface, name);
  if (!resolved) throw new Error(`no operation ${iface}.${name}`);
  return resolved;
}

/** The one message a frame parser finds in a whole stream frame. */
function parseFrame(frame: Uint8Array): RpcMessage {
  const payloads = new FrameParser().push(frame);
  expect(payloads).toHaveLength(1);
  return decodeMessage(payloads[0]!);
}

const test = testModel();
const testCodec = createCodec(test);

describe('spec §10 vectors', () => {
  it('V1: CALL test.Server.echo("hello") with extra {name: "scott.bo"}', () => {
    const { op, ifidx } = operation(test, 'test.Server', 'echo');
    const params = testCodec.encodeParams(op, ['hello']);
    const m = rpcMessage({
      sequence: 1,
      calltype: SendCallType.twoway,
      ifidx,
      opidx: op.index,
      paramsize: op.params.length,
      extra: { name: 'scott.bo' },
      params,
    });
    expect(toHex(encodeFrame(m))).toBe(toHex(V1));
    expect(toHex(testCodec.encodeParams(op, { text: 'hello' }))).toBe(toHex(params));

    const back = parseFrame(V1);
    expect(back).toEqual({
      type: 1,
      sequence: 1,
      calltype: 0x01,
      ifidx: 2,
      opidx: 0,
      errcode: 0,
      paramsize: 1,
      callId: 0,
      extra: { name: 'scott.bo' },
      params: V1.subarray(55),
    });
    expect(testCodec.decodeParams(op, back.params)).toEqual({ text: 'hello' });
  });

  it('V2: RETURN "hello" for V1 from a Java-style server', () => {
    const { op, ifidx } = operation(test, 'test.Server', 'echo');
    const params = testCodec.encodeResult(op, 'hello');
    const m = rpcMessage({ sequence: 1, calltype: SendCallType.return, ifidx, paramsize: 1, params });
    expect(toHex(encodeFrame(m))).toBe(toHex(V2));

    const back = parseFrame(V2);
    expect(back).toMatchObject({
      type: 1,
      sequence: 1,
      calltype: CallType.RETURN,
      ifidx: 2,
      opidx: 0,
      errcode: 0,
      paramsize: 1,
      callId: 0,
      extra: {},
    });
    expect(testCodec.decodeResult(op, back.params)).toBe('hello');
  });

  it('V3: one-way test.Server.heartbeat("hi"), seq 2, no extra', () => {
    const { op, ifidx } = operation(test, 'test.Server', 'heartbeat');
    const params = testCodec.encodeParams(op, ['hi']);
    const m = rpcMessage({ sequence: 2, calltype: SendCallType.oneway, ifidx, opidx: op.index, paramsize: 1, params });
    expect(toHex(encodeFrame(m))).toBe(toHex(V3));

    const back = parseFrame(V3);
    expect(back).toMatchObject({
      type: 1,
      sequence: 2,
      calltype: 0x21,
      ifidx: 2,
      opidx: 2,
      errcode: 0,
      paramsize: 1,
      callId: 0,
      extra: {},
    });
    expect(testCodec.decodeParams(op, back.params)).toEqual({ hello: 'hi' });
  });

  it('V4: error RETURN, seq 7, errcode 4', () => {
    const m = rpcMessage({ sequence: 7, calltype: SendCallType.return, errcode: 4 });
    expect(toHex(encodeFrame(m))).toBe(toHex(V4));
    const back = parseFrame(V4);
    expect(back).toEqual({
      type: 1,
      sequence: 7,
      calltype: 2,
      ifidx: 0,
      opidx: 0,
      errcode: 4,
      paramsize: 0,
      callId: 0,
      extra: {},
      params: new Uint8Array(0),
    });
  });

  it('V5: V1 forwarded by a gateway to a back-end queue (MQ body, no meta header)', () => {
    const { op, ifidx } = operation(test, 'test.Server', 'echo');
    const extra = { name: 'scott.bo', __user_id__: '1', __mq_return__: 'mq_gateway' };
    const m = rpcMessage({
      sequence: 1,
      ifidx,
      opidx: op.index,
      paramsize: 1,
      callId: 0x8000,
      extra,
      params: testCodec.encodeParams(op, ['hello']),
    });
    expect(toHex(encodeMessage(m))).toBe(toHex(V5));

    const back = decodeMessage(V5);
    expect(back).toMatchObject({
      type: 1,
      sequence: 1,
      calltype: 1,
      ifidx: 2,
      opidx: 0,
      errcode: 0,
      paramsize: 1,
      callId: 0x8000,
      extra,
    });
    expect(testCodec.decodeParams(op, back.params)).toEqual({ text: 'hello' });
  });

  it('V6: push sns.ITerminal.onMessage_oneway(Message_t) to A1002 (MQ body)', () => {
    const sns = snsModel();
    const codec = createCodec(sns);
    const { op, ifidx } = operation(sns, 'sns.ITerminal', 'onMessage');
    const message = { tick: { tick1: 5 }, sender_id: 'A1001', issue_time: '1000', content: 'hi' };
    const params = codec.encodeParams(op, { message });
    expect(params).toHaveLength(27);
    const m = rpcMessage({
      sequence: 3,
      calltype: SendCallType.oneway,
      ifidx,
      opidx: op.index,
      paramsize: 1,
      extra: { __user_id__: 'A1002' },
      params,
    });
    expect(toHex(encodeMessage(m))).toBe(toHex(V6));
    expect(toHex(V6.subarray(0x2d))).toBe(toHex(params));

    const back = decodeMessage(V6);
    expect(back).toMatchObject({
      type: 1,
      sequence: 3,
      calltype: 0x21,
      ifidx: 3,
      opidx: 0,
      errcode: 0,
      paramsize: 1,
      callId: 0,
      extra: { __user_id__: 'A1002' },
    });
    expect(codec.decodeParams(op, back.params)).toEqual({ message });
  });

  it('V8: async CALL of annotated test.BaseServer.datetime() ([index=11] / [index=10])', () => {
    const annotated = testModel(true);
    const codec = createCodec(annotated);
    // Called through the derived Server: the inherited operation keeps BaseServer's numbers.
    const { op, ifidx } = operation(annotated, 'test.Server', 'datetime');
    const params = codec.encodeParams(op, []);
    const m = rpcMessage({
      sequence: 5,
      calltype: SendCallType.async,
      ifidx,
      opidx: op.index,
      paramsize: op.params.length,
      params,
    });
    expect(toHex(encodeFrame(m))).toBe(toHex(V8));

    const back = parseFrame(V8);
    expect(back).toEqual({
      type: 1,
      sequence: 5,
      calltype: 0x41,
      ifidx: 11,
      opidx: 10,
      errcode: 0,
      paramsize: 0,
      callId: 0,
      extra: {},
      params: new Uint8Array(0),
    });
    expect(codec.decodeParams(op, back.params)).toEqual({});
  });
});

describe('spec §10 V7 value encodings', () => {
  const all = allTypesModel();
  const codec = createCodec(all);
  const ref = (name: string): TypeRef => ({ kind: 'ref', name: `alltypes.${name}` });
  const builtin = (name: 'byte' | 'bool' | 'short' | 'long' | 'float' | 'double' | 'string'): TypeRef => ({
    kind: 'builtin',
    name,
  });

  // [row, type, native value, other accepted input forms, hex]
  const rows: [string, TypeRef, unknown, unknown[], string][] = [
    ['sequence<int> [1, -2]', ref('IntList'), [1, -2], [], '00 00 00 02 00 00 00 01 ff ff ff fe'],
    [
      'dictionary<string,string> {"k":"v"}',
      ref('StrStrMap'),
      new Map([['k', 'v']]),
      [{ k: 'v' }, [['k', 'v']]],
      '00 00 00 01 00 00 00 01 6b 00 00 00 01 76',
    ],
    ['sequence<byte> [1,2,3]', ref('Bytes_t'), new Uint8Array([1, 2, 3]), [[1, 2, 3]], '00 00 00 03 01 02 03'],
    ['long 1', builtin('long'), 1n, [1, '1'], '00 00 00 00 00 00 00 01'],
    ['bool true', builtin('bool'), true, [], '01'],
    ['float 1.5', builtin('float'), 1.5, [], '3f c0 00 00'],
    ['double -2.0', builtin('double'), -2, [], 'c0 00 00 00 00 00 00 00'],
    ['short -1', builtin('short'), -1, [], 'ff ff'],
    ['byte 255', builtin('byte'), 255, [-1], 'ff'],
    ['string ""', builtin('string'), '', [], '00 00 00 00'],
    ['string "中"', builtin('string'), '中', [], '00 00 00 03 e4 b8 ad'],
  ];

  it.each(rows)('%s', (_row, type, value, otherForms, hex) => {
    for (const input of [value, ...otherForms]) {
      const w = new ByteWriter();
      codec.encodeValue(type, input, w);
      expect(toHex(w.finish())).toBe(hex);
    }
    const r = new ByteReader(fromHex(hex));
    expect(codec.decodeValue(type, r)).toEqual(value);
    expect(r.remaining).toBe(0);
  });
});

describe('extra (spec §1.6)', () => {
  it('keeps every key a peer sends, __proto__ included', () => {
    const m = decodeMessage(
      encodeMessage(rpcMessage({ extra: JSON.parse('{"__proto__": "x", "a": "b"}') as Record<string, string> })),
    );
    expect(Object.keys(m.extra)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(m.extra, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(m.extra)).toBe(Object.prototype);
  });
});
