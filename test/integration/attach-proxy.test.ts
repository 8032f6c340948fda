// The recording proxy in front of real peers: tce-sample-server over TCP and WebSocket (clients
// get the same bytes with and without the proxy), a plain byte echo (whatever is not a frame
// passes untouched), a hundred clients at once, and an upstream that goes away and comes back.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Attachments } from '../../electron/capture/attachments.js';
import { rawBytes } from '../../electron/host/feed/entry.js';
import { Feed } from '../../electron/host/feed/feed.js';
import { ServerProxy } from '../../electron/sample-server/generated/test.js';
import { createClient } from '../../electron/transports/dial.js';
import { FeedPayloads } from '../../shared/console-api/feed-decode.js';
import type { AttachmentInfo } from '../../shared/console-api/types.js';
import { compile } from '../../shared/idl/compile.js';
import { OperationNames } from '../../shared/idl/operation-names.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import { ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { Compression, encodeFrame, frameBytes } from '../../shared/wire/frame.js';
import { encodeMessage, rpcMessage, SendCallType } from '../../shared/wire/message.js';
import { CliProcess, ROOT, listeningUrls, requireBuilt, startSampleServerCli } from '../../support/cli-kit.js';
import { openRaw, tlsFiles } from '../support/rpc-fixtures.js';
import { copyCluster } from '../../support/cluster-copy.js';
import { RABBIT_URL, RabbitAdmin, suffix } from '../../support/mq-kit.js';
import { CallType, ExtraKey, decodeMessage } from '../../shared/wire/message.js';
import { join } from 'node:path';

const IDL = join(ROOT, 'idl-samples', 'test.idl');
const { model } = compile([{ path: IDL, text: readFileSync(IDL, 'utf8') }]);
const codec = createCodec(model);
const server = model.interfaces['test.Server']!;
const echo = server.operations.find((o) => o.name === 'echo')!;
const bidirection = server.operations.find((o) => o.name === 'bidirection')!;

const call = (
  sequence: number,
  op: typeof echo,
  args: unknown[],
  extra: Record<string, string> = { name: 'scott.bo' },
) =>
  rpcMessage({
    sequence,
    calltype: SendCallType.twoway,
    ifidx: server.index,
    opidx: op.index,
    paramsize: op.params.length,
    extra,
    params: codec.encodeParams(op, args),
  });

/** What a client writes: whole frames, one split in three writes, a zlib frame, a call that pushes back. */
function conversation(): { chunks: Uint8Array[]; replies: number } {
  const whole = encodeFrame(call(1, echo, ['hello']));
  const split = encodeFrame(call(2, echo, ['in three parts']));
  const compressed = frameBytes(deflateSync(encodeMessage(call(3, echo, ['squeezed']))), Compression.zlib);
  const pushing = encodeFrame(call(4, bidirection, []));
  return {
    chunks: [whole, split.subarray(0, 5), split.subarray(5, 30), split.subarray(30), compressed, pushing],
    // Three echo RETURNs, then bidirection's push (a CALL to the client) and its RETURN.
    replies: 5,
  };
}

/** Every byte the peer at `url` sends back for the conversation, frame by frame. */
async function received(url: string): Promise<Buffer> {
  const { chunks, replies } = conversation();
  const raw = await openRaw(url);
  try {
    for (const c of chunks) raw.write(c);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < replies; i++) frames.push((await raw.next(10_000)).frame);
    return Buffer.concat(frames);
  } finally {
    raw.close();
  }
}

function recorder(): { feed: Feed; attach: Attachments; logs: string[] } {
  const feed = new Feed();
  feed.setNames(new OperationNames(model));
  const logs: string[] = [];
  return { feed, attach: new Attachments({ feed, log: (_l, m) => logs.push(m) }), logs };
}

const listenOf = (info: AttachmentInfo): string => (info.kind === 'proxy' ? info.listen : '');

let sample: CliProcess;
let tcp: string;
let ws: string;
const open: Attachments[] = [];

beforeAll(async () => {
  requireBuilt('tce-sample-server', 'tce-gateway');
  const started = await startSampleServerCli(['--listen', 'tcp://127.0.0.1:0', '--listen', 'ws://127.0.0.1:0']);
  sample = started.server;
  [tcp, ws] = listeningUrls(started.ready) as [string, string];
});
afterAll(async () => {
  await sample?.stop();
});
afterEach(async () => {
  for (const a of open.splice(0)) await a.stopAll();
});

describe('a recording proxy in front of tce-sample-server', () => {
  for (const transport of ['tcp', 'ws'] as const) {
    it(`over ${transport}: the client gets the same bytes as without the proxy, and every frame is recorded decoded both ways`, async () => {
      const { feed, attach } = recorder();
      open.push(attach);
      const upstream = transport === 'tcp' ? tcp : ws;
      const proxy = await attach.startProxy({ listen: `${transport}://127.0.0.1:0`, upstream });
      expect(listenOf(proxy)).toMatch(new RegExp(`^${transport}://127\\.0\\.0\\.1:\\d+`));

      const direct = await received(upstream);
      const through = await received(listenOf(proxy));
      expect(through.equals(direct)).toBe(true);

      await vi.waitFor(() => expect(feed.query(0, 100)).toHaveLength(4 + 5));
      const entries = feed.query(0, 100);
      const payloads = new FeedPayloads(model, rawBytes);
      expect(
        entries.every(
          (e) => e.hop === 'proxy' && e.endpoint === upstream && e.peer?.startsWith(`${transport}://127.0.0.1:`),
        ),
      ).toBe(true);
      const decoded = entries.map((e) => {
        const d = payloads.decode(e);
        return `${e.direction} ${e.kind}${e.push ? ' push' : ''} ${d.ok && d.kind !== 'error' ? `${d.method} ${JSON.stringify(d.value)}` : JSON.stringify(d)}`;
      });
      expect(decoded.filter((line) => line.startsWith('in '))).toEqual([
        'in call echo {"text":"hello"}',
        'in call echo {"text":"in three parts"}',
        'in call echo {"text":"squeezed"}',
        'in call bidirection {}',
      ]);
      expect(decoded.filter((line) => line.startsWith('out '))).toEqual([
        'out return echo "Yah! hello"',
        'out return echo "Yah! in three parts"',
        'out return echo "Yah! squeezed"',
        'out oneway push onMessage {"message":"server push message!"}',
        'out return bidirection null',
      ]);
      // A call and its RETURN share a key; the push has its own.
      const echoKeys = entries.filter((e) => e.sequence === 1 && !e.push).map((e) => e.correlation);
      expect(new Set(echoKeys).size).toBe(1);
      expect(attach.list()[0]).toMatchObject({ accepted: 1, frames: 9, upstreamFailures: 0 });
    });
  }

  it('in front of tls:// and wss:// the proxy dials with TLS, checking the certificate, and clients talk to it in plain', async () => {
    const { feed, attach } = recorder();
    open.push(attach);
    const key = join(ROOT, 'test', 'support', 'test-key.pem');
    const cert = join(ROOT, 'test', 'support', 'test-cert.pem');
    const secure = await startSampleServerCli([
      '--listen',
      'tls://127.0.0.1:0',
      '--listen',
      'wss://127.0.0.1:0',
      '--tls-key',
      key,
      '--tls-cert',
      cert,
    ]);
    try {
      const [tlsUrl, wssUrl] = listeningUrls(secure.ready) as [string, string];
      for (const [listen, upstream] of [
        ['tcp://127.0.0.1:0', tlsUrl],
        ['ws://127.0.0.1:0', wssUrl],
      ] as const) {
        const proxy = listenOf(await attach.startProxy({ listen, upstream, tls: { ca: tlsFiles.cert } }));
        const client = createClient(proxy, { adapter: new Adapter() });
        try {
          expect(await new ServerProxy(client).echo(`over ${upstream.slice(0, 3)}`)).toMatch(/^Yah! over /);
        } finally {
          await client.close();
        }
      }
      await vi.waitFor(() => expect(feed.query(0, 100).filter((e) => e.method === 'echo')).toHaveLength(4));
      // Without the CA the certificate is refused: the client is closed and the feed says why.
      const strict = listenOf(await attach.startProxy({ listen: 'tcp://127.0.0.1:0', upstream: tlsUrl }));
      const refused = await openRaw(strict);
      await refused.closed;
      await vi.waitFor(() =>
        expect(feed.query(0, 100).some((e) => /unreachable \(.*certificate/.test(e.note ?? ''))).toBe(true),
      );
    } finally {
      await secure.server.stop();
    }
  });

  it('a hundred clients at once through one proxy all get their own answers, each call recorded under its own key', async () => {
    const { feed, attach } = recorder();
    open.push(attach);
    const proxy = listenOf(await attach.startProxy({ listen: 'tcp://127.0.0.1:0', upstream: tcp }));
    const clients = Array.from({ length: 100 }, () => createClient(proxy, { adapter: new Adapter() }));
    try {
      const answers = await Promise.all(clients.map((c, i) => new ServerProxy(c).echo(`client ${i}`)));
      expect(answers).toEqual(clients.map((_c, i) => `Yah! client ${i}`));
      await vi.waitFor(() => expect(feed.query(0, 1000)).toHaveLength(200));
      const keys = new Set(feed.query(0, 1000).map((e) => e.correlation));
      expect(keys.size).toBe(100);
      expect(attach.list()[0]).toMatchObject({ accepted: 100, frames: 200 });
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});

describe('a recording proxy in front of a gateway (tce-gateway, tce-sample-server behind it over RabbitMQ)', () => {
  it('the client gets the same RETURN bytes and the same push as without the proxy; every hop is recorded decoded', async () => {
    // userid_check: the token is the user id, so both runs are the same user and the bytes can match.
    const cluster = copyCluster(`tce-attach-${suffix()}`, { useridCheck: true });
    const backEnd = new CliProcess('tce-sample-server', [
      '--config',
      cluster.configYml,
      '--name',
      'server',
      '--amqp',
      RABBIT_URL,
    ]);
    const gateway = new CliProcess('tce-gateway', [cluster.servicesXml, 'gwserver', '--amqp', RABBIT_URL]);
    const { feed, attach } = recorder();
    open.push(attach);
    try {
      await backEnd.waitFor(/^tce-sample-server: (listening|serving)/);
      const gatewayUrl = listeningUrls(await gateway.waitFor(/listening on/))[0]!;
      const proxy = await attach.startProxy({
        listen: 'tcp://127.0.0.1:0',
        upstream: gatewayUrl,
        endpoint: 'socket_gateway',
        gateway: 'gwserver',
      });
      const session = async (url: string): Promise<{ returns: Buffer; push: string }> => {
        const raw = await openRaw(url);
        try {
          raw.write(encodeFrame(call(1, echo, ['through the gateway'], { [ExtraKey.token]: 'attach-user' })));
          const returns = [(await raw.next(10_000)).frame];
          raw.write(encodeFrame(call(2, bidirection, [], {})));
          const frames = [await raw.next(10_000), await raw.next(10_000)];
          const push = frames.find((f) => (f.message.calltype & CallType.CALL) !== 0)!;
          returns.push(frames.find((f) => f !== push)!.frame);
          // The push's sequence is the back end's own counter: its payload and routing are compared.
          const { extra, params } = decodeMessage(push.frame.subarray(14));
          return {
            returns: Buffer.concat(returns),
            push: `${JSON.stringify(extra)} ${Buffer.from(params).toString('hex')}`,
          };
        } finally {
          raw.close();
        }
      };
      const direct = await session(gatewayUrl);
      const through = await session(listenOf(proxy));
      expect(through.returns.equals(direct.returns)).toBe(true);
      expect(through.push).toBe(direct.push);

      await vi.waitFor(() => expect(feed.query(0, 100)).toHaveLength(5));
      const payloads = new FeedPayloads(model, rawBytes);
      expect(
        feed.query(0, 100).map((e) => {
          const d = payloads.decode(e);
          return `${e.direction} ${e.kind} ${e.correlation} ${d.ok && d.kind !== 'error' ? JSON.stringify(d.value) : '?'}`;
        }),
      ).toEqual([
        'in call call:1:attach-user@gwserver {"text":"through the gateway"}',
        'out return call:1:attach-user@gwserver "Yah! through the gateway"',
        'in call call:2:attach-user@gwserver {}',
        expect.stringMatching(/^out oneway push:\d+:attach-user@ \{"message":"server push message!"\}$/),
        'out return call:2:attach-user@gwserver null',
      ]);
    } finally {
      await gateway.stop();
      await backEnd.stop();
      const admin = await RabbitAdmin.open();
      await admin.remove(cluster.queues, cluster.exchanges);
      await admin.close();
      cluster.removeFiles();
    }
  }, 60_000);
});

describe('what is not a TCE frame, and upstreams that fail', () => {
  it('bytes that are not frames, unknown message types and partial frames pass untouched; only RPC frames are recorded', async () => {
    // A byte echo: whatever the proxy forwards comes straight back.
    const echoServer = net.createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echoServer.listen(0, '127.0.0.1', resolve));
    const { feed, attach, logs } = recorder();
    open.push(attach);
    try {
      const port = (echoServer.address() as net.AddressInfo).port;
      const proxy = listenOf(
        await attach.startProxy({ listen: 'tcp://127.0.0.1:0', upstream: `tcp://127.0.0.1:${port}` }),
      );
      const unknownType = frameBytes(new ByteWriter().u8(7).raw(new Uint8Array(30)).finish());
      const rpc = encodeFrame(call(9, echo, ['seen']));
      const garbage = Buffer.from('not a TCE frame at all, just bytes');
      const sent = Buffer.concat([rpc, unknownType, rpc.subarray(0, 10), rpc.subarray(10), garbage]);
      const socket = net.connect(Number(new URL(proxy.replace('tcp', 'http')).port), '127.0.0.1');
      const back: Buffer[] = [];
      socket.on('data', (d: Buffer) => back.push(d));
      // Several writes, so chunk boundaries fall inside frames.
      for (let at = 0; at < sent.length; at += 17) socket.write(sent.subarray(at, at + 17));
      await vi.waitFor(() => expect(Buffer.concat(back).length).toBe(sent.length));
      socket.destroy();
      expect(Buffer.concat(back).equals(sent)).toBe(true);
      // Two RPC frames each way; the unknown type is logged, the garbage ends the observing.
      // (Each direction in order; how the two interleave depends on the echo's timing.)
      expect(
        feed
          .query(0, 100)
          .map((e) => `${e.direction} ${e.method} ${e.sequence}`)
          .sort(),
      ).toEqual(['in echo 9', 'in echo 9', 'out echo 9', 'out echo 9']);
      expect(logs.some((l) => /a message of type 7/.test(l))).toBe(true);
      expect(logs.some((l) => /bad frame magic.*frames are no longer recorded/.test(l))).toBe(true);
    } finally {
      echoServer.close();
    }
  });

  it('an unreachable upstream closes the client, with the reason in the feed and the log; once it is back, clients get through', async () => {
    const { feed, attach, logs } = recorder();
    open.push(attach);
    // A port nobody listens on (taken and let go), where the server will come up later.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = listenOf(
      await attach.startProxy({ listen: 'tcp://127.0.0.1:0', upstream: `tcp://127.0.0.1:${port}` }),
    );

    const refused = await openRaw(proxy);
    await refused.closed;
    await vi.waitFor(() => expect(feed.query(0, 10)).toHaveLength(1));
    expect(feed.query(0, 10)[0]).toMatchObject({ hop: 'proxy', kind: 'error', errcode: 102 });
    expect(feed.query(0, 10)[0]!.note).toMatch(
      /unreachable \(.*ECONNREFUSED.*\): client tcp:\/\/127\.0\.0\.1:\d+ closed by the proxy/,
    );
    expect(logs.some((l) => /unreachable.*ECONNREFUSED/.test(l))).toBe(true);
    expect(attach.list()[0]).toMatchObject({ upstreamFailures: 1 });

    // The upstream comes (back) up: a reconnecting client's next call goes through.
    const restarted = await startSampleServerCli(['--listen', `tcp://127.0.0.1:${port}`]);
    const client = createClient(proxy, {
      adapter: new Adapter(),
      autoReconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      expect(await new ServerProxy(client).echo('first')).toBe('Yah! first');
      await restarted.server.stop();
      // The proxy closes the client's side when the upstream goes; it reconnects once it is back.
      const again = await startSampleServerCli(['--listen', `tcp://127.0.0.1:${port}`]);
      try {
        await vi.waitFor(async () => expect(await new ServerProxy(client).echo('again')).toBe('Yah! again'), {
          timeout: 15_000,
          interval: 200,
        });
      } finally {
        await again.server.stop();
      }
      expect(
        feed.query(0, 100).filter((e) => e.kind === 'return' && e.method === 'echo').length,
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
    }
  }, 60_000);
});
