// TCE two-way echo over RabbitMQ: client (MqCallTarget + its reply queue) → request queue →
// the sample back end (tce-sample-server in a child process, MQ mode) → reply queue → client.
// Compared with raw amqplib request/reply between two processes (bench/amqp.ts), measured in
// the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { connectAmqp } from '../electron/transports/amqp.js';
import { ServerProxy } from '../electron/sample-server/generated/test.js';
import type { MqAddress } from '../shared/rpc/connection.js';
import { MqCallTarget } from '../shared/rpc/mq-call-target.js';
import { MqReplies } from '../shared/rpc/mq-replies.js';
import { benchAmqpRaw } from './amqp.js';
import { IN_FLIGHT, bestPair, measurePair, ratio, type Pair } from './measure.js';
import type { BenchRow } from './types.js';

const AMQP_URL = process.env['TCE_BENCH_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const SAMPLE_SERVER = fileURLToPath(new URL('../electron/cli/tce-sample-server.js', import.meta.url));
const CLUSTER_CONFIG = fileURLToPath(new URL('../../idl-samples/cluster/config.yml', import.meta.url));


/** The cluster config.yml with its queues renamed `<name>-<suffix>`: the bench never touches the real ones. */
function benchConfig(dir: string, suffix: string): { path: string; nodes: Record<string, string> } {
  const nodes: Record<string, string> = {};
  const text = readFileSync(CLUSTER_CONFIG, 'utf8').replace(/address: ([A-Za-z0-9_]+);/g, (_m, name: string) => {
    nodes[name] = `${name}-bench-${suffix}`;
    return `address: ${nodes[name]};`;
  });
  const path = join(dir, 'config.yml');
  writeFileSync(path, text);
  return { path, nodes };
}

async function startBackEnd(config: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SAMPLE_SERVER, '--config', config, '--name', 'server', '--amqp', AMQP_URL, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve) => lines.on('line', (line) => /^tce-sample-server: serving/.test(line) && resolve()));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`tce-sample-server (bench back end) exited with code ${String(code)}`);
  });
  await Promise.race([ready, exited]);
  return child;
}

/** The gateway's side of the cluster example: writes mq_server, reads its replies on mq_gateway. */
async function tceClient(nodes: Record<string, string>): Promise<{ call: () => Promise<void>; stop: () => Promise<void> }> {
  const broker = await connectAmqp(AMQP_URL, { connectionName: 'tce-bench-rpc-client' });
  const queue = (name: string): MqAddress => ({ name, type: 'queue', durable: true, create: 'always', subject: '' });
  const replies = new MqReplies(broker, await broker.openReader(queue(nodes['mq_gateway']!)), { endpoint: 'mq_gateway' });
  const server = new ServerProxy(new MqCallTarget(await broker.openWriter(queue(nodes['mq_server']!)), replies));
  return {
    call: async () => {
      await server.echo('hello');
    },
    stop: () => broker.close(),
  };
}

async function measureClient(nodes: Record<string, string>): Promise<Pair> {
  const client = await tceClient(nodes);
  try {
    return await measurePair(client.call);
  } finally {
    await client.stop();
  }
}

/** The raw reference's calls/s from bench/amqp.ts's rows. */
function rawValue(rows: BenchRow[], mode: string): number {
  const row = rows.find((r) => r.name === `raw amqplib request/reply, ${mode}`);
  if (!row) throw new Error(`bench/amqp.ts reported no "raw amqplib request/reply, ${mode}" row`);
  return row.value;
}

/** `rawRows`: benchAmqpRaw()'s rows if the caller has just measured them (saves ~15 s); else measured here. */
export async function benchAmqpRpc(rawRows?: BenchRow[]): Promise<BenchRow[]> {
  const raw = rawRows ?? (await benchAmqpRaw());
  const dir = mkdtempSync(join(tmpdir(), 'tce-bench-amqp-rpc-'));
  const { path, nodes } = benchConfig(dir, randomBytes(4).toString('hex'));
  let backEnd: ChildProcess | undefined;
  try {
    backEnd = await startBackEnd(path);
    // Best of two, per mode: other load on the machine should not decide the result.
    const [seq, par] = bestPair([await measureClient(nodes), await measureClient(nodes)]);
    const label = 'TCE echo over RabbitMQ (MqCallTarget → sample back end)';
    return [
      { name: `${label}, ${IN_FLIGHT} in flight`, value: par.callsPerSecond, unit: 'calls/s', ratio: ratio(par.callsPerSecond, rawValue(raw, `${IN_FLIGHT} in flight`)), goal: '≥ 0.8× raw amqplib request/reply' },
      { name: `${label}, sequential`, value: seq.callsPerSecond, unit: 'calls/s', ratio: ratio(seq.callsPerSecond, rawValue(raw, 'sequential')) },
      { name: `${label}, sequential p50`, value: seq.p50, unit: 'µs' },
      { name: `${label}, sequential p99`, value: seq.p99, unit: 'µs' },
      { name: `${label}, ${IN_FLIGHT} in flight p50`, value: par.p50, unit: 'µs' },
      { name: `${label}, ${IN_FLIGHT} in flight p99`, value: par.p99, unit: 'µs' },
    ];
  } finally {
    if (backEnd) {
      backEnd.kill('SIGTERM');
      await once(backEnd, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
    await deleteQueues(Object.values(nodes).filter((n) => !n.startsWith('mq_gateway_broadcast')), nodes['mq_gateway_broadcast']!);
  }
}

async function deleteQueues(queues: string[], exchange: string): Promise<void> {
  const model = await connect(AMQP_URL, { noDelay: true, clientProperties: { connection_name: 'tce-bench-rpc-admin' } });
  try {
    const channel = await model.createChannel();
    for (const q of queues) await channel.deleteQueue(q);
    await channel.deleteExchange(exchange);
  } finally {
    await model.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const row of await benchAmqpRpc()) console.log(`${row.name}: ${row.value} ${row.unit}${row.ratio === undefined ? '' : ` (${row.ratio}×)`}`);
}
