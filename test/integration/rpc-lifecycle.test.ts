// Connections over their life: lazy connect, loss, reconnect, refusal, overflow, shutdown.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createClient, dial } from '../../electron/transports/dial.js';
import { serve } from '../../electron/transports/serve.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import type { ClientState } from '../../shared/rpc/client.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { RpcPeer } from '../../shared/rpc/peer.js';
import { RpcServer, type ServerEvent } from '../../shared/rpc/server.js';
import type { CallContext } from '../../shared/rpc/servant.js';
import { encodeMessage, rpcMessage } from '../../shared/wire/message.js';
import { frameBytes } from '../../shared/wire/frame.js';
import { TestServer, openRaw, sleep, startTestServer } from '../support/rpc-fixtures.js';
import { V1 } from '../support/spec-vectors.js';
import { ITerminalProxy, ITerminalServant, ServerProxy } from '../support/test-idl.js';

const codeOf = async (promise: Promise<unknown>): Promise<number> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    return (error as RpcError).code;
  }
  throw new Error('expected the call to fail');
};

describe('client connection life', () => {
  it('connects on the first call, reports its states, and reconnects on the next call after a loss', async () => {
    const running = await startTestServer('tcp');
    const client = createClient(running.url);
    const states: ClientState['state'][] = [];
    client.onState((s) => states.push(s.state));
    expect(client.state).toEqual({ state: 'idle' });
    const proxy = new ServerProxy(client);
    await proxy.echo('1');
    expect(client.state).toMatchObject({ state: 'open', remote: running.url });
    for (const peer of running.server.peers) peer.close('kick');
    await expect.poll(() => client.state.state).toBe('closed');
    expect(client.state).toMatchObject({ kind: 'remote' });
    await proxy.echo('2');
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
    await client.close();
    expect(client.state).toMatchObject({ state: 'closed', kind: 'local' });
    expect(await codeOf(proxy.echo('3'))).toBe(ErrorCode.CONNECTION_LOST);
    await running.close();
  });

  it('fails with CONNECT_FAILED (102) and the reason when nothing listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    probe.close();
    for (const url of [`tcp://127.0.0.1:${port}`, `ws://127.0.0.1:${port}`]) {
      const client = createClient(url);
      const error = await new ServerProxy(client).echo('x').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.CONNECT_FAILED });
      expect((error as RpcError).message).toMatch(/ECONNREFUSED/);
      expect(client.state).toMatchObject({ state: 'closed', kind: 'connect-failed' });
      await client.close();
    }
    expect(await codeOf(dial('http://x:1'))).toBe(ErrorCode.CONNECT_FAILED);
    expect(await codeOf(dial('tcp://127.0.0.1'))).toBe(ErrorCode.CONNECT_FAILED);
  });

  it('fails pending calls with 104 when the server process is killed mid-call', async () => {
    // A server in another process that reads calls and never answers, then is killed.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const s=require('net').createServer(c=>c.on('data',()=>process.stdout.write('got\\n')));s.listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.trim().split('\n')));
    await expect.poll(() => lines.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const client = createClient(`tcp://127.0.0.1:${lines[0]}`);
    const proxy = new ServerProxy(client);
    const pending = [proxy.echo('a', { timeout: 0 }), proxy.timeout(9, { timeout: 0 })];
    await expect.poll(() => lines.includes('got')).toBe(true);
    child.kill('SIGKILL');
    const codes = await Promise.all(pending.map(codeOf));
    expect(codes).toEqual([ErrorCode.CONNECTION_LOST, ErrorCode.CONNECTION_LOST]);
    await client.close();
  });

  it('reconnects in the background with autoReconnect, so pushes reach it again', async () => {
    const first = await startTestServer('ws');
    const port = Number(new URL(first.url).port);
    const received: string[] = [];
    class Terminal extends ITerminalServant {
      onMessage(message: string): void {
        received.push(message);
      }
    }
    const client = createClient(first.url, {
      adapter: new Adapter().add(new Terminal()),
      autoReconnect: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 },
    });
    const states: ClientState[] = [];
    client.onState((s) => states.push(s));
    await client.connect();
    await first.close();
    await expect.poll(() => states.some((s) => s.state === 'retrying' && s.delayMs === 100)).toBe(true);
    // A new server on the same port; the client finds it without being called.
    const server = new RpcServer({ adapter: new Adapter().add(new TestServer()) });
    await serve(server, `ws://127.0.0.1:${port}`);
    await expect.poll(() => client.state.state, { timeout: 5_000 }).toBe('open');
    new ITerminalProxy([...server.peers][0]!).onMessageOneway('welcome back');
    await expect.poll(() => received).toEqual(['welcome back']);
    const retries = states.filter((s) => s.state === 'retrying').map((s) => (s as { delayMs: number }).delayMs);
    expect(retries[0]).toBe(20);
    expect(Math.max(...retries)).toBe(100);
    await client.close();
    await server.close();
  });

  it('bounds calls in flight: one more fails with SENDFAILED (1)', async () => {
    const running = await startTestServer('tcp');
    const client = createClient(running.url, { maxInFlight: 3 });
    const proxy = new ServerProxy(client);
    await client.connect();
    const waiting = [1, 2, 3].map(() => proxy.timeout(1));
    const error = await proxy.echo('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.SENDFAILED });
    expect((error as RpcError).message).toMatch(/too many calls in flight \(limit 3\)/);
    await Promise.all(waiting);
    expect(await proxy.echo('room again')).toBe('Yah! room again');
    await client.close();
    await running.close();
  });

  it('refuses a message larger than the frame limit without dropping the connection', async () => {
    const running = await startTestServer('tcp');
    const client = createClient(running.url, { maxFrameSize: 1000 });
    const proxy = new ServerProxy(client);
    expect(await codeOf(proxy.echo('x'.repeat(2000)))).toBe(ErrorCode.SENDFAILED);
    expect(() => proxy.heartbeatOneway('x'.repeat(2000))).toThrow(
      /a message with 2004 bytes of parameters exceeds the 1000-byte frame limit/,
    );
    // Parameters that fit, in a frame that does not: size field 10 + 17 + 4 + 984.
    expect(() => proxy.heartbeatOneway('x'.repeat(980))).toThrow(/a 1015-byte frame exceeds the 1000-byte frame limit/);
    expect(await proxy.echo('small')).toBe('Yah! small');
    await client.close();
    await running.close();
  });

  it('answers 6 when a result does not fit in a frame', async () => {
    const running = await startTestServer('tcp', { maxFrameSize: 1000 });
    const client = createClient(running.url);
    const proxy = new ServerProxy(client);
    // Call size field 35 + 964 = 999 fits; the reply ("Yah! " + text) would be 1004.
    expect(await codeOf(proxy.echo('x'.repeat(964)))).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
    expect(await proxy.echo('x'.repeat(960))).toHaveLength(965);
    await client.close();
    await running.close();
  });
});

describe('server connection management', () => {
  it('assigns sequential user ids, indexes connections by them, and forgets closed ones', async () => {
    const running = await startTestServer('tcp');
    const clients = [createClient(running.url), createClient(running.url)];
    for (const c of clients) await new ServerProxy(c).heartbeat('hi');
    expect(running.servant.heartbeats.map((h) => h.userId).sort()).toEqual(['1', '2']);
    expect([...running.server.userConnections.keys()].sort()).toEqual(['1', '2']);
    const peer = running.server.userConnections.get('1')!;
    peer.setUserId('alice');
    expect([...running.server.userConnections.keys()].sort()).toEqual(['2', 'alice']);
    peer.close();
    await expect.poll(() => [...running.server.userConnections.keys()]).toEqual(['2']);
    for (const c of clients) await c.close();
    await running.close();
  });

  it("without assigned ids takes each call's __user_id__ (a back end behind a gateway)", async () => {
    const running = await startTestServer('tcp', { userIds: 'none' });
    const client = createClient(running.url);
    await new ServerProxy(client).heartbeat('hi', { extra: { __user_id__: 'A1002' } });
    expect(running.servant.heartbeats[0]!.userId).toBe('A1002');
    expect(running.server.userConnections.size).toBe(0);
    await client.close();
    await running.close();
  });

  it('disconnects a peer that keeps more calls running than maxDispatching', async () => {
    const running = await startTestServer('tcp', { maxDispatching: 2 });
    const closes: string[] = [];
    running.server.onConnection((e) => e.type === 'close' && closes.push(e.reason.message));
    const client = createClient(running.url);
    const proxy = new ServerProxy(client);
    const codes = await Promise.all([1, 2, 3].map(() => codeOf(proxy.timeout(1))));
    expect(codes).toEqual([104, 104, 104]);
    expect(closes).toEqual(['the peer exceeded 2 concurrent calls']);
    await client.close();
    await running.close();
  });

  it('refuses connections beyond maxConnections', async () => {
    const running = await startTestServer('tcp', { maxConnections: 2 });
    const events: ServerEvent['type'][] = [];
    running.server.onConnection((e) => events.push(e.type));
    const clients = [1, 2, 3].map(() => createClient(running.url));
    const results = await Promise.all(
      clients.map((c) =>
        new ServerProxy(c).echo('x').then(
          () => 0,
          (e: unknown) => (e as RpcError).code,
        ),
      ),
    );
    expect(results.sort()).toEqual([0, 0, ErrorCode.CONNECTION_LOST]);
    expect(events.sort()).toEqual(['open', 'open', 'rejected']);
    for (const c of clients) await c.close();
    await running.close();
  });

  it('drops a peer that does not read its replies (overflow) and keeps serving the others', async () => {
    const lines: string[] = [];
    const running = await startTestServer('tcp', {
      maxWriteBuffer: 256 * 1024,
      log: (_level, line) => lines.push(line),
    });
    const raw = await openRaw(running.url);
    // A raw socket we never read from: pause it by closing its reading side of the fixture.
    const socket = net.connect(Number(new URL(running.url.replace('tcp', 'http')).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    socket.on('error', () => {});
    const big = 'x'.repeat(60_000);
    const call = (sequence: number): Uint8Array =>
      frameBytes(
        encodeMessage(
          rpcMessage({
            sequence,
            ifidx: 2,
            opidx: 0,
            paramsize: 1,
            params: new Uint8Array([...Buffer.from([0, 0, 0xea, 0x60]), ...Buffer.from(big)]),
          }),
        ),
      );
    const frame = call(1);
    const burst = Buffer.concat(Array.from({ length: 400 }, () => frame));
    socket.write(burst);
    await expect.poll(() => lines.some((l) => l.includes('closed (overflow)')), { timeout: 10_000 }).toBe(true);
    raw.write(
      frameBytes(
        encodeMessage(rpcMessage({ sequence: 7, ifidx: 2, opidx: 0, params: new Uint8Array([0, 0, 0, 1, 0x41]) })),
      ),
    );
    expect((await raw.next()).message.sequence).toBe(7);
    socket.destroy();
    raw.close();
    await running.close();
  });

  it('drops a peer that starts a frame and never finishes it', async () => {
    const running = await startTestServer('tcp', { frameTimeout: 300 });
    const closes: string[] = [];
    running.server.onConnection((e) => e.type === 'close' && closes.push(`${e.reason.kind}: ${e.reason.message}`));
    const stalled = await openRaw(running.url);
    const started = Date.now();
    stalled.write(V1.subarray(0, 30));
    // A peer that keeps completing frames is fine, however long it streams.
    const steady = await openRaw(running.url);
    for (let i = 0; i < 6; i++) {
      steady.write(V1.subarray(0, 40));
      await sleep(100);
      steady.write(V1.subarray(40));
      expect((await steady.next()).message.sequence).toBe(1);
    }
    await stalled.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(closes).toEqual([
      expect.stringMatching(/^protocol: a frame started \d+ ms ago and is still incomplete \(limit 300 ms\)$/),
    ]);
    expect(steady.isClosed).toBe(false);
    steady.close();
    await running.close();
  });

  it('closes gracefully: listeners stop, clients see their connection end', async () => {
    const running = await startTestServer('ws');
    const client = createClient(running.url);
    const proxy = new ServerProxy(client);
    await proxy.echo('x');
    const pending = proxy.timeout(2);
    await sleep(20);
    await running.close();
    expect(await codeOf(pending)).toBe(ErrorCode.CONNECTION_LOST);
    expect(await codeOf(proxy.echo('y'))).toBe(ErrorCode.CONNECT_FAILED);
    expect(running.server.peers.size).toBe(0);
    await client.close();
  });

  it('runs a peer on a dialled connection: a server can call a client that called it', async () => {
    // Both directions through bare peers, no client or server helpers.
    const running = await startTestServer('tcp');
    let seen: CallContext | undefined;
    class Terminal extends ITerminalServant {
      onMessage(_message: string, ctx: CallContext): void {
        seen = ctx;
      }
    }
    const peer = new RpcPeer(await dial(running.url), { adapter: new Adapter().add(new Terminal()) });
    await new ServerProxy(peer).bidirection();
    await expect.poll(() => seen?.message.calltype).toBe(0x21);
    expect(seen!.userId).toBeUndefined();
    peer.close();
    expect((await peer.closed).kind).toBe('local');
    await running.close();
  });
});
