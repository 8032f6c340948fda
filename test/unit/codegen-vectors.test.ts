// Spec §10 vectors through the generated code (the checked-in golden modules).
import { describe, expect, it } from 'vitest';
import type { CallContext, CallTarget, OutgoingCall } from '../../shared/runtime.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { encodeFrame } from '../../shared/wire/frame.js';
import { encodeMessage, rpcMessage, SendCallType, type RpcMessage } from '../../shared/wire/message.js';
import * as alltypes from '../golden/all-types/alltypes.js';
import * as annotated from '../golden/annotated/test.js';
import * as edge from '../golden/naming/edge.js';
import * as sns from '../../support/generated/sns/sns.js';
import * as test from '../../electron/sample-server/generated/test.js';
import { fromHex } from '../support/hex.js';
import { V1, V3, V6, V8 } from '../support/spec-vectors.js';

/** A CallTarget that records what a proxy hands it and answers two-way calls with `reply`. */
class CapturingTarget implements CallTarget {
  readonly calls: OutgoingCall[] = [];
  reply: Uint8Array = new Uint8Array(0);

  call(call: OutgoingCall): Promise<RpcMessage> {
    this.calls.push(call);
    return Promise.resolve(rpcMessage({ calltype: SendCallType.return, ifidx: call.ifidx, params: this.reply }));
  }

  send(call: OutgoingCall): void {
    this.calls.push(call);
  }

  get last(): OutgoingCall {
    const call = this.calls.at(-1);
    if (!call) throw new Error('nothing was sent');
    return call;
  }
}

/** The RpcMessage a connection would send for an OutgoingCall with this sequence. */
const message = (call: OutgoingCall, sequence: number): RpcMessage =>
  rpcMessage({
    sequence,
    calltype: SendCallType[call.mode],
    ifidx: call.ifidx,
    opidx: call.opidx,
    paramsize: call.paramsize,
    extra: call.extra ?? {},
    params: call.params,
  });

const encoded = (encode: (w: ByteWriter) => void): Uint8Array => {
  const w = new ByteWriter();
  encode(w);
  return w.finish();
};

describe('spec §10 vectors through generated proxies', () => {
  it('V1: test.Server.echo("hello") with extra {name} frames to the 64 bytes of V1, and decodes the V2 reply', async () => {
    const target = new CapturingTarget();
    target.reply = fromHex('00 00 00 05 68 65 6c 6c 6f');
    const result = await new test.ServerProxy(target).echo('hello', { extra: { name: 'scott.bo' } });
    expect(result).toBe('hello');
    expect(target.last.mode).toBe('twoway');
    expect(encodeFrame(message(target.last, 1))).toEqual(V1);
  });

  it('V3: heartbeatOneway("hi") is a one-way CALL (0x21) of Server opidx 2', () => {
    const target = new CapturingTarget();
    new test.ServerProxy(target).heartbeatOneway('hi');
    expect(encodeFrame(message(target.last, 2))).toEqual(V3);
  });

  it('V6: sns.ITerminal.onMessageOneway(Message_t) is the 72-byte MQ body, and the struct decodes back', () => {
    const value: sns.Message_t = { tick: { tick1: 5 }, sender_id: 'A1001', issue_time: '1000', content: 'hi' };
    const target = new CapturingTarget();
    new sns.ITerminalProxy(target).onMessageOneway(value, { extra: { __user_id__: 'A1002' } });
    const body = V6;
    expect(encodeMessage(message(target.last, 3))).toEqual(body);
    expect(sns.Message_t.decode(new ByteReader(body, 0x2d))).toEqual(value);
    expect(encoded((w) => sns.Message_t.encode(w, value))).toEqual(body.subarray(0x2d));
  });

  it('V8: async CALL of annotated test.BaseServer.datetime() ([index=11] / [index=10]) is the 35 bytes of V8', async () => {
    const target = new CapturingTarget();
    target.reply = fromHex('00 00 00 00');
    await new annotated.ServerProxy(target).datetime({ mode: 'async' });
    expect(encodeFrame(message(target.last, 5))).toEqual(V8);
    // The counter advances past the annotated interface (spec §1.7 rule 2).
    expect([
      annotated.BaseServerProxy.ifidx,
      annotated.ITerminalGatewayServerProxy.ifidx,
      annotated.ServerProxy.ifidx,
      annotated.ITerminalProxy.ifidx,
    ]).toEqual([11, 1, 2, 3]);
  });

  it('async mode sends calltype 0x41 with the same Promise API', async () => {
    const target = new CapturingTarget();
    target.reply = fromHex('00 00 00 02 68 69');
    await expect(new test.ServerProxy(target).echo('x', { mode: 'async', timeout: 500 })).resolves.toBe('hi');
    expect(target.last).toMatchObject({ mode: 'async', timeout: 500 });
    expect(message(target.last, 1).calltype).toBe(0x41);
  });

  it('inherited operations keep the declaring interface indices: MoreTypesProxy.echoInt is AllTypes (0, 3)', async () => {
    const target = new CapturingTarget();
    target.reply = fromHex('00 00 00 07');
    expect(await new alltypes.MoreTypesProxy(target).echoInt(1)).toBe(7);
    expect(target.last).toMatchObject({ ifidx: 0, opidx: 3, paramsize: 1, params: fromHex('00 00 00 01') });
    await new alltypes.MoreTypesProxy(target).reset();
    expect(target.last).toMatchObject({ ifidx: 20, opidx: 1, paramsize: 0 });
    target.reply = fromHex('00 00 00 00');
    await new test.ServerProxy(target).datetime();
    expect(target.last).toMatchObject({ ifidx: 0, opidx: 0 });
  });
});

describe('spec §10 V7 value encodings through generated code', () => {
  const rows: [string, (w: ByteWriter) => void, string][] = [
    ['sequence<int> [1, -2]', (w) => alltypes.IntList.encode(w, [1, -2]), '00 00 00 02 00 00 00 01 ff ff ff fe'],
    [
      'dictionary<string,string> {k: v}',
      (w) => alltypes.StrStrMap.encode(w, new Map([['k', 'v']])),
      '00 00 00 01 00 00 00 01 6b 00 00 00 01 76',
    ],
    ['sequence<byte> [1,2,3]', (w) => alltypes.Bytes_t.encode(w, Uint8Array.of(1, 2, 3)), '00 00 00 03 01 02 03'],
  ];
  for (const [label, encode, bytes] of rows) {
    it(label, () => expect(encoded(encode)).toEqual(fromHex(bytes)));
  }

  // Builtins as the parameter stream of AllTypes.echo<Type>, and back through the result decoder.
  const echoes: [string, (p: alltypes.AllTypesProxy) => Promise<unknown>, unknown, string][] = [
    ['long 1', (p) => p.echoLong(1n), 1n, '00 00 00 00 00 00 00 01'],
    ['bool true', (p) => p.echoBool(true), true, '01'],
    ['float 1.5', (p) => p.echoFloat(1.5), 1.5, '3f c0 00 00'],
    ['double -2.0', (p) => p.echoDouble(-2), -2, 'c0 00 00 00 00 00 00 00'],
    ['short -1', (p) => p.echoShort(-1), -1, 'ff ff'],
    ['byte 255', (p) => p.echoByte(255), 255, 'ff'],
    ['string ""', (p) => p.echoString(''), '', '00 00 00 00'],
    ['string "中"', (p) => p.echoString('中'), '中', '00 00 00 03 e4 b8 ad'],
  ];
  for (const [label, call, value, bytes] of echoes) {
    it(label, async () => {
      const target = new CapturingTarget();
      target.reply = fromHex(bytes);
      expect(await call(new alltypes.AllTypesProxy(target))).toEqual(value);
      expect(target.last.params).toEqual(fromHex(bytes));
    });
  }
});

describe('generated names that would collide get a _ suffix, never on the wire', () => {
  it('struct members: reserved words and Object.prototype names', () => {
    const rec = edge.Rec.create({ class_: 1, class__: 2 });
    expect(rec).toEqual({
      default_: 0,
      __proto___: '',
      class_: 1,
      class__: 2,
      constructor_: 0,
      toString_: 0n,
      far: { x: 0 },
    });
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    const bytes = encoded((w) => edge.Rec.encode(w, rec));
    expect(bytes.length).toBe(4 + 4 + 4 + 4 + 4 + 8 + 4);
    expect(edge.Rec.decode(new ByteReader(bytes))).toEqual(rec);
  });

  it('types named like globals, runtime imports or body locals, and the generated classes', () => {
    expect(edge.Map_.create()).toEqual({ size: 0 });
    expect(edge.Proxy.create()).toEqual({ target: '' });
    expect(edge.ServerProxy.create()).toEqual({ on: false });
    expect(new edge.ServerProxy_(new CapturingTarget())).toBeInstanceOf(edge.ServerProxy_);
    const v: edge.e_ = new Map([['k', [edge.Rec.create()]]]);
    expect(edge.e_.decode(new ByteReader(encoded((w) => edge.e_.encode(w, v))))).toEqual(v);
  });

  it('operations and parameters: constructor, then, xOneway clashes, trailing names', async () => {
    const target = new CapturingTarget();
    const proxy = new edge.Sub2Proxy(target);
    await proxy.constructor_('o', 1, edge.Rec.create(), { size: 2 });
    expect(target.last).toMatchObject({ ifidx: 0, opidx: 0, paramsize: 4 });
    proxy.heartbeatOneway_('r');
    expect(target.last).toMatchObject({ ifidx: 0, opidx: 2, mode: 'oneway' });
    proxy.heartbeatOnewayOneway();
    expect(target.last).toMatchObject({ ifidx: 0, opidx: 3, mode: 'oneway' });
    proxy.pingOneway();
    expect(target.last).toMatchObject({ ifidx: 0, opidx: 4, mode: 'oneway' });
    proxy.pingOneway_Oneway();
    expect(target.last).toMatchObject({ ifidx: 2, opidx: 0, mode: 'oneway' });
    expect('then' in proxy).toBe(false);
  });

  it('a base interface in another module keeps its own ifidx', async () => {
    const target = new CapturingTarget();
    await new edge.SubProxy(target).ping();
    expect(target.last).toMatchObject({ ifidx: 9, opidx: 0 });
    target.reply = fromHex('00 00 00 00');
    await new edge.SubProxy(target).pingOneway_(new Map());
    expect(target.last).toMatchObject({ ifidx: 1, opidx: 0 });
  });
});

describe('generated servants', () => {
  const ctx = {} as CallContext;

  class EchoServer extends test.ServerServant {
    readonly heard: string[] = [];
    datetime(): string {
      return '2024-01-01';
    }
    async echo(text: string): Promise<string> {
      return text.toUpperCase();
    }
    timeout(): void {}
    heartbeat(hello: string): void {
      this.heard.push(hello);
    }
    bidirection(): void {}
  }

  it('registers own and inherited operations under their declaring indices, with IDL names', () => {
    const names = [...new EchoServer().operations.operations()].map((op) => [
      op.ifidx,
      op.opidx,
      op.name,
      op.returnsValue,
    ]);
    expect(names).toEqual([
      [0, 0, 'test.BaseServer.datetime', true],
      [2, 0, 'test.Server.echo', true],
      [2, 1, 'test.Server.timeout', false],
      [2, 2, 'test.Server.heartbeat', false],
      [2, 3, 'test.Server.bidirection', false],
    ]);
  });

  it('decodes parameters, awaits the method and writes the result', async () => {
    const server = new EchoServer();
    const out = new ByteWriter();
    await server.operations.get(2, 0)!.handler(new ByteReader(fromHex('00 00 00 05 68 65 6c 6c 6f')), ctx, out);
    expect(out.finish()).toEqual(fromHex('00 00 00 05 48 45 4c 4c 4f'));
    await server.operations.get(0, 0)!.handler(new ByteReader(new Uint8Array(0)), ctx, out.reset());
    expect(new ByteReader(out.finish()).string()).toBe('2024-01-01');
  });

  it('void operations write nothing', async () => {
    const server = new EchoServer();
    const out = new ByteWriter();
    await server.operations.get(2, 2)!.handler(new ByteReader(fromHex('00 00 00 02 68 69')), ctx, out);
    expect(server.heard).toEqual(['hi']);
    expect(out.length).toBe(0);
  });

  it('a struct parameter round-trips from proxy to servant', async () => {
    const received: sns.Message_t[] = [];
    class Terminal extends sns.ITerminalServant {
      onMessage(message: sns.Message_t): void {
        received.push(message);
      }
    }
    const target = new CapturingTarget();
    const value = sns.Message_t.create({ sender_id: 'A1001', tick: { tick1: -7 } });
    new sns.ITerminalProxy(target).onMessageOneway(value);
    await new Terminal().operations.get(3, 0)!.handler(new ByteReader(target.last.params), ctx, new ByteWriter());
    expect(received).toEqual([{ tick: { tick1: -7 }, sender_id: 'A1001', issue_time: '', content: '' }]);
  });
});
