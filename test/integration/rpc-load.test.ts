// Many connections and hostile bytes against one server: it stays up and keeps answering.
import net from 'node:net';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../electron/transports/dial.js';
import { encodeMessage, rpcMessage } from '../../shared/wire/message.js';
import { frameBytes } from '../../shared/wire/frame.js';
import { startTestServer } from '../support/rpc-fixtures.js';
import { fromHex } from '../support/hex.js';
import { V1, V3 } from '../support/spec-vectors.js';
import { ServerProxy } from '../support/test-idl.js';

describe.each(['tcp', 'ws'] as const)('load over %s', (transport) => {
  it('serves 1,000 concurrent connections, each making a call', async () => {
    const running = await startTestServer(transport);
    const clients = Array.from({ length: 1000 }, () => createClient(running.url));
    const answers = await Promise.all(clients.map((c, i) => new ServerProxy(c).echo(`c${i}`)));
    expect(answers).toEqual(clients.map((_, i) => `Yah! c${i}`));
    expect(running.server.peers.size).toBe(1000);
    expect(new Set([...running.server.userConnections.keys()]).size).toBe(1000);
    await Promise.all(clients.map((c) => c.close()));
    await expect.poll(() => running.server.peers.size).toBe(0);
    await running.close();
  });
});

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const body = (fields: Parameters<typeof rpcMessage>[0]): Uint8Array => encodeMessage(rpcMessage(fields));
/** Valid frames to mutate: spec V1 and V3, calls of every operation, a RETURN, a zlib frame. */
const SEEDS: Uint8Array[] = [
  V1,
  V3,
  frameBytes(body({ sequence: 5, calltype: 0x41, ifidx: 0, opidx: 0 })),
  frameBytes(body({ sequence: 6, ifidx: 2, opidx: 1, params: fromHex('00000000') })),
  frameBytes(body({ sequence: 7, ifidx: 2, opidx: 3, extra: { __user_id__: '9', k: 'v' } })),
  frameBytes(body({ sequence: 8, calltype: 0x02, ifidx: 2, params: fromHex('00000001 41') })),
  frameBytes(body({ sequence: 9, ifidx: 9, opidx: 2 })),
  frameBytes(deflateSync(body({ sequence: 10, ifidx: 2, opidx: 0, params: fromHex('00000003 616263') })), 1),
];

function mutate(frame: Uint8Array, rnd: (n: number) => number): Uint8Array {
  const out = frame.slice();
  const view = new DataView(out.buffer);
  switch (rnd(8)) {
    case 0: // bit flips anywhere
      for (let i = 1 + rnd(4); i > 0; i--) out[rnd(out.length)]! ^= 1 << rnd(8);
      return out;
    case 1: // truncation: the next frame starts inside this one
      return out.subarray(0, rnd(out.length));
    case 2: // size field: near, far, or tiny
      view.setUint32(4, [view.getUint32(4) + rnd(9) - 4, rnd(0x7fffffff), rnd(11)][rnd(3)]!);
      return out;
    case 3: // random bytes
      return Uint8Array.from({ length: 1 + rnd(80) }, () => rnd(256));
    case 4: // random header fields in a well-formed frame: exercises dispatch
      out[19] = rnd(256);
      view.setUint16(20, rnd(12));
      view.setUint16(22, rnd(6));
      return out;
    case 5: // corrupt a length inside the body (extra count, string lengths)
      if (out.length > 35) view.setUint32(31 + rnd(out.length - 35), rnd(0xffffffff));
      return out;
    default: // unchanged
      return out;
  }
}

describe('fuzz', () => {
  it('survives 100,000 random and mutated frames while answering a well-behaved client', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    const running = await startTestServer('tcp', { timeout: 2_000, log: () => {} });
    const port = Number(new URL(running.url.replace('tcp', 'http')).port);
    const closes = { protocol: 0, other: 0 };
    let decoded = 0;
    running.server.onTraffic((e) => e.direction === 'in' && decoded++);
    running.server.onConnection((e) => {
      if (e.type === 'close') closes[e.reason.kind === 'protocol' ? 'protocol' : 'other']++;
    });

    // The well-behaved client calls throughout and checks every answer.
    const goodClient = createClient(running.url);
    const good = new ServerProxy(goodClient);
    let goodCalls = 0;
    let fuzzing = true;
    const goodLoop = (async () => {
      while (fuzzing) {
        const text = `ok${goodCalls}`;
        expect(await good.echo(text)).toBe(`Yah! ${text}`);
        goodCalls++;
      }
    })();

    // Small connections, mostly valid frames: many frames get parsed before a fatal mutation.
    const CONNECTIONS = 10_000;
    const FRAMES_PER_CONNECTION = 10;
    const PARALLEL = 50;
    let sent = 0;
    const attack = (): Promise<void> =>
      new Promise((resolve) => {
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < FRAMES_PER_CONNECTION; i++) {
          const frame = SEEDS[rnd(SEEDS.length)]!;
          chunks.push(rnd(6) === 0 ? mutate(frame, rnd) : frame.slice());
        }
        sent += chunks.length;
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => {});
        socket.on('data', () => {});
        socket.on('close', () => resolve());
        socket.on('connect', () => {
          // A few writes of random sizes: frames straddle reads.
          const all = Buffer.concat(chunks);
          for (let at = 0; at < all.length;) {
            const n = 1 + rnd(all.length);
            socket.write(all.subarray(at, at + n));
            at += n;
          }
          socket.end();
        });
      });
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next++ < CONNECTIONS) await attack();
      }),
    );
    fuzzing = false;
    await goodLoop;
    const seconds = (Date.now() - started) / 1000;

    expect(sent, `seed ${seed}`).toBeGreaterThanOrEqual(100_000);
    expect(goodCalls, `seed ${seed}`).toBeGreaterThan(100);
    expect(closes.protocol, `seed ${seed}`).toBeGreaterThan(100);
    expect(decoded, `seed ${seed}`).toBeGreaterThan(25_000);
    expect(await good.echo('still here')).toBe('Yah! still here');
    await expect.poll(() => running.server.peers.size, { timeout: 10_000 }).toBe(1);
    console.log(
      `fuzz seed ${seed}: ${sent} frames over ${CONNECTIONS} connections in ${seconds.toFixed(1)} s; ${decoded} decoded by the server; ${closes.protocol} protocol closes; ${goodCalls} good calls answered`,
    );
    await goodClient.close();
    await running.close();
  });
});
