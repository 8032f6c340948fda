// The proxies bench/attach.ts measures, each in its own process as in the console, forwarding
// to the upstream named on the command line. The mode (third argument) says what the proxy does
// besides forwarding: `record` (default) is the console's RecordingProxy, recording every frame
// in a feed (names from the sample IDL, as the console would); `observe` splits the bytes into
// frames and decodes them but records nothing; `pipe` only forwards. The last two show what the
// recording proxy's cost is made of. Prints its listen URL, then serves until killed; a line
// `cpu` on stdin is answered with the process's CPU time so far (µs, user + system) on stdout;
// it exits when its stdin closes.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FrameObserver } from '../electron/capture/frame-observer.js';
import { RecordingProxy } from '../electron/capture/proxy.js';
import { Feed } from '../electron/host/feed/feed.js';
import { compile } from '../shared/idl/compile.js';
import { OperationNames } from '../shared/idl/operation-names.js';
import { ROOT } from '../support/cli-kit.js';

export const PROXY_MODES = ['record', 'observe', 'pipe'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

async function recording(upstream: string): Promise<string> {
  const idl = join(ROOT, 'idl-samples', 'test.idl');
  const feed = new Feed();
  feed.setNames(new OperationNames(compile([{ path: idl, text: readFileSync(idl, 'utf8') }]).model));
  const proxy = await RecordingProxy.start({
    id: 'bench',
    listen: `${upstream.startsWith('ws') ? 'ws' : 'tcp'}://127.0.0.1:0`,
    upstream,
    endpoint: upstream,
    feed,
    log: (_level, message) => process.stderr.write(`attach-peer: ${message}\n`),
  });
  return proxy.listenUrl;
}

/** A TCP proxy as RecordingProxy forwards (pipe() both ways, no delay), frames decoded or not: the floor under it. */
async function forwarding(upstream: string, observe: boolean): Promise<string> {
  const { hostname, port } = new URL(upstream);
  const ignore = { frame: () => undefined, unknown: () => undefined, lost: () => undefined };
  const server = net.createServer({ noDelay: true }, (client) => {
    const target = net.connect({ host: hostname, port: Number(port) });
    target.setNoDelay(true);
    client.pipe(target);
    target.pipe(client);
    if (observe) {
      const inbound = new FrameObserver(ignore);
      const outbound = new FrameObserver(ignore);
      client.on('data', (chunk: Buffer) => inbound.observe(chunk));
      target.on('data', (chunk: Buffer) => outbound.observe(chunk));
    }
    client.on('error', () => target.destroy());
    target.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function main(upstream: string, mode: ProxyMode): Promise<void> {
  const url = mode === 'record' ? await recording(upstream) : await forwarding(upstream, mode === 'observe');
  process.stdout.write(`${url}\n`);
  createInterface({ input: process.stdin })
    .on('line', () => {
      const { user, system } = process.cpuUsage();
      process.stdout.write(`${user + system}\n`);
    })
    // An exit rather than a kill when the bench lets go: profiles (--cpu-prof) are written.
    .on('close', () => process.exit(0));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const mode = (process.argv[3] ?? 'record') as ProxyMode;
  if (!PROXY_MODES.includes(mode)) throw new Error(`attach-peer: mode ${mode} is none of ${PROXY_MODES.join(', ')}`);
  await main(process.argv[2]!, mode);
}
