// Bounded connections, on real sockets: the gateway and tce-sample-server refuse connections past
// their limit (logged; open clients unaffected), close idle ones, and the gateway answers a RETURN
// too large for its client with error 6 instead of dropping it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { ByteWriter } from '../../shared/wire/bytes.js';
import { encodeFrame } from '../../shared/wire/frame.js';
import { rpcMessage } from '../../shared/wire/message.js';
import { TestScope, client, gateway, startBackEnd, urlOf, type Client } from './gateway-kit.js';
import { RabbitAdmin, sleep, until } from '../../support/mq-kit.js';
import { listeningUrls, requireBuilt, startSampleServerCli, type CliProcess } from '../../support/cli-kit.js';

let admin: RabbitAdmin;
beforeAll(async () => {
  requireBuilt('tce-sample-server');
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

const scope = new TestScope();
afterEach(() => scope.cleanup(admin));
const newClient = (url: string): Client => scope.track(client(url));
const codeOf = (error: unknown): number | undefined => (error instanceof RpcError ? error.code : undefined);

/** Pings (echo) every 100 ms until stopped; resolves with how many were answered. */
function keepBusy(c: Client): { stop(): Promise<number> } {
  let stopped = false;
  let answered = 0;
  const loop = (async () => {
    while (!stopped) {
      await c.server.echo('ping');
      answered++;
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return answered;
    },
  };
}

/** What a connection past the limit sees: the server accepts and closes it at once. */
async function refused(c: Client): Promise<void> {
  const error = await c.server.echo('one too many').catch((e: unknown) => e);
  expect([ErrorCode.CONNECTION_LOST, ErrorCode.CONNECT_FAILED]).toContain(codeOf(error));
}

describe('the gateway', () => {
  async function rig(options: Parameters<typeof gateway>[2]) {
    const c = scope.cluster();
    scope.track(await startBackEnd(c));
    const logs: string[] = [];
    const gw = scope.track(await gateway(c, 'gwserver', { log: (_level, line) => logs.push(line), ...options }));
    return { gw, url: urlOf(gw), logs };
  }

  it('refuses a connection past --max-connections, logs it, and serves the open ones as before', async () => {
    const { gw, url, logs } = await rig({ maxConnections: 2 });
    const [a, b] = [newClient(url), newClient(url)];
    await expect(a.server.echo('a')).resolves.toBe('Yah! a');
    await expect(b.server.echo('b')).resolves.toBe('Yah! b');
    await refused(newClient(url));
    expect(gw.counters()).toMatchObject({ connectionsOpen: 2, connectionsRefused: 1 });
    expect(logs.some((l) => /refused: the gateway is at its limit of 2 connections/.test(l))).toBe(true);
    await expect(a.server.echo('still a')).resolves.toBe('Yah! still a');
    await expect(b.server.echo('still b')).resolves.toBe('Yah! still b');
    // A freed slot takes the next client.
    await b.close();
    await until(
      () => gw.counters().connectionsOpen === 1,
      5_000,
      () => 'the close',
    );
    await expect(newClient(url).server.echo('c')).resolves.toBe('Yah! c');
  });

  it('closes a connection idle past its idle timeout, not one that keeps talking', async () => {
    const { gw, url, logs } = await rig({ stream: { idleTimeout: 1_000 } });
    const idle = newClient(url);
    const busy = newClient(url);
    await idle.server.echo('then nothing');
    const pinging = keepBusy(busy);
    await until(
      () => idle.rpc.state.state === 'closed',
      15_000,
      () => `the idle client is ${idle.rpc.state.state}`,
    );
    await sleep(1_500); // the busy one outlives another idle period
    expect(await pinging.stop()).toBeGreaterThan(5);
    expect(busy.rpc.state.state).toBe('open');
    expect(gw.counters().connectionsOpen).toBe(1);
    expect(logs.some((l) => /closed, idle: nothing sent or received for \d+ ms \(idle timeout 1000 ms\)/.test(l))).toBe(
      true,
    );
  });

  it('answers a RETURN too large for its client with error 6 (the original drops it and the client times out)', async () => {
    const maxFrameSize = 64 * 1024;
    const { gw, url } = await rig({ stream: { maxFrameSize } });
    const c = newClient(url);
    // The largest echo the gateway takes from the client: its RETURN ("Yah! " + text, with __user_id__) is larger.
    const frameOf = (text: string): number =>
      encodeFrame(rpcMessage({ ifidx: 2, paramsize: 1, params: new ByteWriter().string(text).finish() })).length - 4;
    const text = 'x'.repeat(maxFrameSize - frameOf(''));
    expect(frameOf(text)).toBe(maxFrameSize);
    const error = await c.server.echo(text, { timeout: 10_000 }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
    expect(gw.counters()).toMatchObject({
      callsFailed: 1,
      callsAwaitingReply: 0,
      drops: expect.objectContaining({ 'send-failed': 1 }),
    });
    await expect(c.server.echo('small')).resolves.toBe('Yah! small');
  });
});

describe('tce-sample-server', () => {
  let server: CliProcess | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
  });

  it('--max-connections refuses (and logs) a connection past the limit; --idle-timeout closes idle ones', async () => {
    const started = await startSampleServerCli([
      '--listen',
      'tcp://127.0.0.1:0',
      '--max-connections',
      '2',
      '--idle-timeout',
      '1000',
    ]);
    server = started.server;
    const [url] = listeningUrls(started.ready) as [string];
    const idle = newClient(url);
    const busy = newClient(url);
    await idle.server.echo('then nothing');
    await busy.server.echo('connected');
    const pinging = keepBusy(busy);
    await refused(newClient(url));
    expect(await server.waitFor(/refused: the server is at its limit of 2 connections/)).toBeTruthy();
    await until(
      () => idle.rpc.state.state === 'closed',
      15_000,
      () => `the idle client is ${idle.rpc.state.state}`,
    );
    await sleep(1_500);
    expect(await pinging.stop()).toBeGreaterThan(5);
    expect(busy.rpc.state.state).toBe('open');
  });
});
