// Call semantics over real sockets, the same suite for TCP and WebSocket (spec §1–§3, §6).
import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../electron/transports/dial.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import type { RpcClient } from '../../shared/rpc/client.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import type { TrafficEvent } from '../../shared/rpc/peer.js';
import { NO_PARAMS, Proxy } from '../../shared/rpc/proxy.js';
import type { CallContext } from '../../shared/rpc/servant.js';
import { encodeMessage, rpcMessage, type RpcMessage } from '../../shared/wire/message.js';
import { frameBytes } from '../../shared/wire/frame.js';
import {
  PROBE_IFIDX,
  V1_REPLY,
  openRaw,
  sleep,
  startTestServer,
  tlsFiles,
  type RunningServer,
} from '../support/rpc-fixtures.js';
import { fromHex } from '../support/hex.js';
import { V1, V3 } from '../support/spec-vectors.js';
import { ITerminalProxy, ITerminalServant, ServerProxy } from '../support/test-idl.js';

/** Calls that no servant serves, built the way generated proxies build calls. */
class StrayProxy extends Proxy {
  call(ifidx: number, opidx: number): Promise<void> {
    return this.invoke(ifidx, opidx, 0, NO_PARAMS, null);
  }
  string(ifidx: number, opidx: number): Promise<string> {
    return this.invoke(ifidx, opidx, 0, NO_PARAMS, (r) => r.string());
  }
  int(ifidx: number, opidx: number): Promise<number> {
    return this.invoke(ifidx, opidx, 0, NO_PARAMS, (r) => r.i32());
  }
}

class Terminal extends ITerminalServant {
  readonly messages: { message: string; ctx: CallContext }[] = [];
  private waiting: (() => void) | undefined;
  onMessage(message: string, ctx: CallContext): void {
    this.messages.push({ message, ctx });
    this.waiting?.();
  }
  async next(): Promise<{ message: string; ctx: CallContext }> {
    while (this.messages.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve));
    return this.messages.shift()!;
  }
}

const rejection = async (promise: Promise<unknown>): Promise<RpcError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    return error as RpcError;
  }
  throw new Error('expected the call to fail');
};

describe.each(['tcp', 'ws'] as const)('RPC calls over %s', (transport) => {
  let running: RunningServer;
  let client: RpcClient;
  let proxy: ServerProxy;
  const serverTraffic: TrafficEvent[] = [];

  beforeEach(async () => {
    running = await startTestServer(transport);
    serverTraffic.length = 0;
    running.server.onTraffic((e) => serverTraffic.push(e));
    client = createClient(running.url);
    proxy = new ServerProxy(client);
  });
  afterEach(async () => {
    await client.close();
    await running.close();
  });

  it('answers a two-way call with calltype 0x01', async () => {
    expect(await proxy.echo('hello')).toBe('Yah! hello');
    const call = serverTraffic.find((e) => e.direction === 'in')!.message;
    expect(call.calltype).toBe(0x01);
    expect(call.paramsize).toBe(1);
    const reply = serverTraffic.find((e) => e.direction === 'out')!.message;
    expect(reply).toMatchObject({
      calltype: 0x02,
      sequence: call.sequence,
      ifidx: 2,
      opidx: 0,
      errcode: 0,
      paramsize: 1,
    });
  });

  it('sends async calls as calltype 0x41 and resolves them like two-way calls', async () => {
    expect(await proxy.echo('pingpang', { mode: 'async' })).toBe('Yah! pingpang');
    expect(serverTraffic.find((e) => e.direction === 'in')!.message.calltype).toBe(0x41);
  });

  it('matches many concurrent replies to their calls by sequence', async () => {
    const texts = Array.from({ length: 500 }, (_, i) => `t${i}`);
    expect(await Promise.all(texts.map((t) => proxy.echo(t)))).toEqual(texts.map((t) => `Yah! ${t}`));
    expect(client.peer!.inFlight).toBe(0);
  });

  it('keeps each written batch intact while the socket still holds it, turn after turn', async () => {
    // 3 × 600 KiB a turn: more than the socket takes at once, so the next batch is written meanwhile.
    const texts = Array.from({ length: 12 }, (_, i) => String.fromCharCode(97 + i).repeat(600 * 1024));
    const replies: Promise<string>[] = [];
    for (let turn = 0; turn < 4; turn++) {
      for (const text of texts.slice(turn * 3, turn * 3 + 3)) replies.push(proxy.echo(text, { timeout: 5_000 }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(replies)).toEqual(texts.map((t) => `Yah! ${t}`));
  });

  it('sends one-way calls as 0x21 and never answers them, not even with an error', async () => {
    const raw = await openRaw(running.url);
    // V3 (one-way heartbeat), a one-way call to an unknown interface, then V1 (two-way).
    const strayOneway = frameBytes(encodeMessage(rpcMessage({ sequence: 3, calltype: 0x21, ifidx: 77 })));
    raw.write(V3, strayOneway, V1);
    const first = await raw.next();
    expect(first.message.sequence).toBe(1);
    await sleep(200);
    expect(raw.received).toHaveLength(0);
    expect(running.servant.heartbeats).toEqual([{ hello: 'hi', userId: '1', calltype: 0x21 }]);
    raw.close();

    proxy.heartbeatOneway('over the proxy');
    await expect.poll(() => running.servant.heartbeats.length).toBe(2);
    expect(serverTraffic.filter((e) => e.direction === 'in').at(-1)!.message.calltype).toBe(0x21);
    await sleep(100);
    expect(serverTraffic.filter((e) => e.direction === 'out' && e.peer.userId === '2')).toHaveLength(0);
  });

  it('carries extra in both directions', async () => {
    const replies: RpcMessage[] = [];
    client.onTraffic((e) => e.direction === 'in' && replies.push(e.message));
    expect(await proxy.echo('x', { extra: { name: 'scott.bo', 'reply-with': 'pong' } })).toBe('Yah! x');
    expect(running.servant.echoContexts[0]!.extra).toEqual({ name: 'scott.bo', 'reply-with': 'pong' });
    expect(replies[0]!.extra).toEqual({ answer: 'pong' });
  });

  it('copies call_id and __user_id__ into RETURNs, error RETURNs included, for gateways', async () => {
    const raw = await openRaw(running.url);
    const extra = { __user_id__: 'A1002', other: 'x' };
    raw.write(
      frameBytes(
        encodeMessage(
          rpcMessage({ sequence: 9, ifidx: 2, opidx: 0, callId: 0x8000, extra, params: fromHex('00000001 41') }),
        ),
      ),
    );
    raw.write(frameBytes(encodeMessage(rpcMessage({ sequence: 10, ifidx: 77, callId: 0x8000, extra }))));
    const ok = (await raw.next()).message;
    expect(ok).toMatchObject({ sequence: 9, errcode: 0, callId: 0x8000, extra: { __user_id__: 'A1002' } });
    const failed = (await raw.next()).message;
    expect(failed).toMatchObject({
      sequence: 10,
      errcode: 4,
      ifidx: 0,
      opidx: 0,
      callId: 0x8000,
      extra: { __user_id__: 'A1002' },
    });
    raw.close();
  });

  it('fails a call with TIMEOUT (2) when no reply comes in time, and forgets it', async () => {
    const lateReply = new Promise<void>((resolve) => {
      const off = client.onTraffic((e) => {
        if (e.direction === 'in') resolve(off());
      });
    });
    const error = await rejection(proxy.timeout(1, { timeout: 100 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.codeName).toBe('RPCERROR_TIMEOUT');
    expect(error.message).toMatch(/no reply within 100 ms/);
    expect(client.peer!.inFlight).toBe(0);
    // The late reply arrives, is dropped, and the connection goes on working.
    await lateReply;
    expect(client.peer!.inFlight).toBe(0);
    expect(await proxy.echo('after')).toBe('Yah! after');
  });

  it('answers an unknown interface or operation with INTERFACE_NOTFOUND (4)', async () => {
    const stray = new StrayProxy(client);
    expect((await rejection(stray.call(77, 0))).code).toBe(ErrorCode.INTERFACE_NOTFOUND);
    expect((await rejection(stray.call(2, 99))).code).toBe(ErrorCode.INTERFACE_NOTFOUND);
    expect((await rejection(stray.call(77, 0))).message).toMatch(/RPCERROR_INTERFACE_NOTFOUND/);
  });

  it('answers a throwing servant or undecodable parameters with REMOTEMETHOD_EXCEPTION (6)', async () => {
    const stray = new StrayProxy(client);
    expect((await rejection(stray.call(PROBE_IFIDX, 2))).code).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
    expect((await rejection(stray.call(PROBE_IFIDX, 3))).code).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
    // echo without its string parameter.
    expect((await rejection(stray.string(2, 0))).code).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
  });

  it('fails a call whose result cannot be decoded with UNSERIALIZE_FAILED (5), and keeps the connection', async () => {
    const stray = new StrayProxy(client);
    // bidirection() returns nothing: there is no string to read.
    const error = await rejection(stray.string(2, 3));
    expect(error.code).toBe(ErrorCode.UNSERIALIZE_FAILED);
    expect(error.message).toMatch(/reply could not be decoded/);
    expect(await proxy.echo('still here')).toBe('Yah! still here');
  });

  it("rejects a call whose parameters cannot be encoded with the encoder's own error, and sends nothing", async () => {
    await proxy.echo('first');
    const broken = new Error('not encodable');
    const bad = new (class extends Proxy {
      twoway(): Promise<string> {
        return this.invoke(
          2,
          0,
          1,
          (w) => {
            w.string('half a frame');
            throw broken;
          },
          (r) => r.string(),
        );
      }
      oneway(): void {
        this.invokeOneway(2, 2, 1, () => {
          throw broken;
        });
      }
    })(client);
    await expect(bad.twoway()).rejects.toBe(broken);
    expect(() => bad.oneway()).toThrow(broken);
    // The partial frame was taken back: the next call is the next thing the server reads.
    expect(await proxy.echo('next')).toBe('Yah! next');
    expect(client.peer!.inFlight).toBe(0);
    expect(serverTraffic.filter((e) => e.direction === 'in').map((e) => e.message.opidx)).toEqual([0, 0]);
  });

  it("gives the server's traffic listeners RETURN bytes of their own", async () => {
    await proxy.echo('one');
    await proxy.echo('two');
    const sent = serverTraffic.filter((e) => e.direction === 'out');
    // Results are written through a reused writer; what a listener holds must not change after.
    expect(sent.map((e) => Buffer.from(e.message.params).subarray(4).toString())).toEqual(['Yah! one', 'Yah! two']);
    for (const e of sent) expect(Buffer.from(e.raw).equals(Buffer.from(encodeMessage(e.message)))).toBe(true);
  });

  it('answers void two-way calls (paramsize 0) and falsy results', async () => {
    await expect(proxy.heartbeat('hi')).resolves.toBeUndefined();
    expect(serverTraffic.find((e) => e.direction === 'out')!.message).toMatchObject({
      paramsize: 0,
      params: new Uint8Array(0),
    });
    const stray = new StrayProxy(client);
    expect(await stray.string(PROBE_IFIDX, 0)).toBe('');
    expect(await stray.int(PROBE_IFIDX, 1)).toBe(0);
  });

  it('lets the server call the client back over the same connection (spec §6.4)', async () => {
    const terminal = new Terminal();
    const duplex = createClient(running.url, { adapter: new Adapter().add(terminal) });
    try {
      await new ServerProxy(duplex).bidirection();
      expect((await terminal.next()).message).toBe('server push message!');
      // A push found by user id, the way a server notifies a user.
      const userId = [...running.server.userConnections].find(([, peer]) => peer.id !== client.peer?.id)![0];
      new ITerminalProxy(running.server.userConnections.get(userId)!).onMessageOneway('to you');
      expect((await terminal.next()).message).toBe('to you');
      // Two-way in the server → client direction too.
      await new ITerminalProxy(running.server.userConnections.get(userId)!).onMessage('answered');
      expect((await terminal.next()).message).toBe('answered');
    } finally {
      await duplex.close();
    }
  });

  it('fails calls pending on a lost connection at once with CONNECTION_LOST (104)', async () => {
    await proxy.echo('connect');
    const pending = proxy.timeout(3, { timeout: 0 });
    const started = Date.now();
    await sleep(50);
    for (const peer of running.server.peers) peer.connection.close('going away');
    const error = await rejection(pending);
    expect(error.code).toBe(ErrorCode.CONNECTION_LOST);
    expect(Date.now() - started).toBeLessThan(1_000);
    // The next call reconnects.
    expect(await proxy.echo('again')).toBe('Yah! again');
  });

  it('sends __token__ and __device_id__ on the first message after each (re)connect', async () => {
    const authed = createClient(running.url, { token: 'tok-1', deviceId: 'dev-9' });
    const tokenProxy = new ServerProxy(authed);
    try {
      await tokenProxy.echo('one', { extra: { name: 'x' } });
      await tokenProxy.echo('two');
      for (const peer of running.server.peers) if (peer.id !== client.peer?.id) peer.close('kick');
      await expect.poll(() => authed.state.state).toBe('closed');
      await tokenProxy.echo('three');
      const extras = running.servant.echoContexts.map((ctx) => ctx.extra);
      expect(extras).toEqual([
        { __token__: 'tok-1', __device_id__: 'dev-9', name: 'x' },
        {},
        { __token__: 'tok-1', __device_id__: 'dev-9' },
      ]);
    } finally {
      await authed.close();
    }
  });

  it('answers the spec V1 frame with the RETURN for sequence 1, byte for byte', async () => {
    const raw = await openRaw(running.url);
    raw.write(V1);
    const reply = await raw.next();
    expect(reply.message).toMatchObject({ sequence: 1, calltype: 0x02, errcode: 0 });
    expect(Buffer.from(reply.frame).toString('hex')).toBe(Buffer.from(V1_REPLY).toString('hex'));
    raw.close();
  });

  it('reassembles frames split anywhere and concatenated (spec V9)', async () => {
    const raw = await openRaw(running.url);
    raw.write(V1.subarray(0, 20), V1.subarray(20));
    expect((await raw.next()).message.sequence).toBe(1);
    const v1seq5 = V1.slice();
    v1seq5[18] = 5;
    const both = Buffer.concat([V3, v1seq5]);
    for (let i = 0; i < both.length; i += 7) raw.write(both.subarray(i, i + 7));
    expect((await raw.next()).message.sequence).toBe(5);
    raw.close();
  });

  it('accepts zlib-compressed frames, Python style and Java style (padded)', async () => {
    const raw = await openRaw(running.url);
    const call = (sequence: number): Uint8Array =>
      encodeMessage(
        rpcMessage({ sequence, ifidx: 2, opidx: 0, paramsize: 1, params: fromHex('00000064' + '61'.repeat(100)) }),
      );
    const python = frameBytes(deflateSync(call(21)), 1);
    const body = call(22);
    const java = new Uint8Array(14 + body.length);
    java.set(frameBytes(deflateSync(body, { level: 9 }), 1).subarray(0, 14 + deflateSync(body, { level: 9 }).length));
    new DataView(java.buffer).setUint32(4, 10 + body.length); // uncompressed size, zero padding after the stream
    raw.write(python, java);
    const replies = [await raw.next(), await raw.next()];
    expect(replies.map((r) => r.message.sequence)).toEqual([21, 22]);
    for (const r of replies) expect(r.frame[8]).toBe(0); // we never compress
    raw.close();
  });

  it('closes only the connection that breaks the protocol', async () => {
    const closes: string[] = [];
    running.server.onConnection((e) => e.type === 'close' && closes.push(`${e.reason.kind}: ${e.reason.message}`));
    await proxy.echo('before');
    const badMagic = await openRaw(running.url);
    const magic = V1.slice();
    magic[0] = 0xee;
    badMagic.write(magic);
    await badMagic.closed;
    const oversized = await openRaw(running.url);
    oversized.write(fromHex('ef d2 bb 99 00 10 00 0b 00 00 00 00 01 00'));
    await oversized.closed;
    const undecodable = await openRaw(running.url);
    undecodable.write(frameBytes(fromHex('01 00000001 01 0002 0000 00000000 01 0000 ffffffff')));
    await undecodable.closed;
    expect(closes).toEqual([
      expect.stringMatching(/^protocol: bad frame magic 0xee/),
      expect.stringMatching(/^protocol: frame size 1048587 exceeds/),
      expect.stringMatching(/^protocol: undecodable RpcMessage/),
    ]);
    expect(await proxy.echo('after')).toBe('Yah! after');
  });

  it('reports every message with its raw bytes to traffic listeners', async () => {
    const seen: TrafficEvent[] = [];
    const stop = client.onTraffic((e) => seen.push(e));
    await proxy.echo('traced', { extra: { k: 'v' } });
    stop();
    await proxy.echo('untraced');
    expect(seen.map((e) => e.direction)).toEqual(['out', 'in']);
    for (const e of seen) expect(Buffer.from(e.raw).equals(Buffer.from(encodeMessage(e.message)))).toBe(true);
    expect(seen[0]!.message.extra).toEqual({ k: 'v' });
  });
});

describe('RPC over WebSocket only', () => {
  it('accepts the tce.js pattern: the 14-byte header and the body as two messages', async () => {
    const running = await startTestServer('ws');
    const raw = await openRaw(running.url);
    raw.write(V1.subarray(0, 14), V1.subarray(14));
    expect(Buffer.from((await raw.next()).frame).equals(Buffer.from(V1_REPLY))).toBe(true);
    raw.close();
    await running.close();
  });

  it('sends every frame queued in one turn as one WebSocket message', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const messages: Buffer[] = [];
    wss.on('connection', (ws) => ws.on('message', (data: Buffer) => messages.push(data)));
    const client = createClient(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    await client.connect();
    const proxy = new ServerProxy(client);
    for (let i = 0; i < 10; i++) proxy.heartbeatOneway(`beat ${i}`);
    await expect.poll(() => messages.length).toBe(1);
    await sleep(50);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.length).toBe(10 * (14 + 21 + 4 + 6));
    await client.close();
    wss.close();
  });

  it('closes a connection that sends a text message', async () => {
    const running = await startTestServer('ws');
    const reasons: string[] = [];
    running.server.onConnection((e) => e.type === 'close' && reasons.push(e.reason.kind));
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(running.url);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('hello');
    await new Promise((resolve) => ws.once('close', resolve));
    expect(reasons).toEqual(['protocol']);
    await running.close();
  });
});

describe('generated code (test/golden, tce2ts output for test.idl)', () => {
  it('serves and calls over real sockets, pushes included', async () => {
    const generated = await import('../../electron/sample-server/generated/test.js');
    const { RpcServer } = await import('../../shared/rpc/server.js');
    const { serve } = await import('../../electron/transports/serve.js');
    const { callerTarget } = await import('../../shared/rpc/peer.js');
    class Server extends generated.ServerServant {
      echo(text: string): string {
        return `Yah! ${text}`;
      }
      timeout(): void {}
      heartbeat(): void {}
      bidirection(ctx: CallContext): void {
        new generated.ITerminalProxy(callerTarget(ctx)).onMessageOneway('pushed');
      }
      datetime(): string {
        return 'now';
      }
    }
    const pushes: string[] = [];
    class Terminal extends generated.ITerminalServant {
      onMessage(message: string): void {
        pushes.push(message);
      }
    }
    const server = new RpcServer({ adapter: new Adapter().add(new Server()) });
    const listener = await serve(server, 'tcp://127.0.0.1:0');
    const client = createClient(listener.url, { adapter: new Adapter().add(new Terminal()) });
    const proxy = new generated.ServerProxy(client);
    expect(await proxy.echo('hello')).toBe('Yah! hello');
    expect(await proxy.datetime()).toBe('now');
    await proxy.bidirection();
    await expect.poll(() => pushes).toEqual(['pushed']);
    await client.close();
    await server.close();
  });
});

describe('endpoints that are not what the URL says', () => {
  it('answers plain HTTP on a WebSocket endpoint with 426', async () => {
    const running = await startTestServer('ws');
    const response = await fetch(running.url.replace('ws://', 'http://'));
    expect(response.status).toBe(426);
    expect(await response.text()).toMatch(/TCE WebSocket endpoint/);
    await running.close();
  });

  it('fails with 102 when a ws:// URL points at a TCP endpoint, which drops the HTTP bytes', async () => {
    const lines: string[] = [];
    const running = await startTestServer('tcp', { log: (_level, line) => lines.push(line) });
    const client = createClient(running.url.replace('tcp://', 'ws://'));
    expect((await rejection(new ServerProxy(client).echo('x'))).code).toBe(ErrorCode.CONNECT_FAILED);
    await expect.poll(() => lines).toEqual([expect.stringMatching(/closed \(protocol\): bad frame magic 0x47455420/)]);
    await client.close();
    await running.close();
  });

  it('refuses to listen on tls:// or wss:// without a key and certificate', async () => {
    const { listen } = await import('../../electron/transports/serve.js');
    await expect(listen('tls://127.0.0.1:0', {}, () => {})).rejects.toThrow(/needs tls.key and tls.cert/);
    await expect(listen('wss://127.0.0.1:0', {}, () => {})).rejects.toThrow(/needs tls.key and tls.cert/);
  });
});

describe.each(['tls', 'wss'] as const)('RPC over %s', (transport) => {
  it('serves calls and pushes with the same semantics', async () => {
    const running = await startTestServer(transport);
    const terminal = new Terminal();
    const client = createClient(running.url, { tls: { ca: tlsFiles.cert }, adapter: new Adapter().add(terminal) });
    const proxy = new ServerProxy(client);
    expect(await proxy.echo('secure')).toBe('Yah! secure');
    await proxy.bidirection();
    expect((await terminal.next()).message).toBe('server push message!');
    expect(running.url.startsWith(`${transport}://`)).toBe(true);
    await client.close();
    await running.close();
  });

  it('refuses a server certificate it cannot verify', async () => {
    const running = await startTestServer(transport);
    const client = createClient(running.url);
    const error = await rejection(new ServerProxy(client).echo('x'));
    expect(error.code).toBe(ErrorCode.CONNECT_FAILED);
    expect(error.message).toMatch(/self[- ]signed/i);
    await client.close();
    await running.close();
  });
});
