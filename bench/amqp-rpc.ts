// Two-way echo over RabbitMQ against raw amqplib request/reply between two processes
// (bench/amqp.ts), in alternating rounds: the transport alone (MqWriter/MqReader), and TCE RPC
// — client (MqCallTarget + its reply queue) → request queue → the sample back end
// (tce-sample-server in a child process, MQ mode) → reply queue → client. TCE RPC is also
// measured against raw amqplib with its guarantees (docs/delivery.md: confirms, persistent to
// durable queues, the request acknowledged once its reply is confirmed): its ceiling.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectAmqp } from '../electron/transports/amqp.js';
import { ServerProxy } from '../electron/sample-server/generated/test.js';
import type { MqAddress } from '../shared/rpc/connection.js';
import { MqCallTarget } from '../shared/rpc/mq-call-target.js';
import { MqReplies } from '../shared/rpc/mq-replies.js';
import { AMQP_URL, measureRequester, removeNodes, startAmqpEcho, type Requester } from './amqp.js';
import { copyCluster, type ClusterCopy } from '../support/cluster-copy.js';
import { alternate, pairRows, versusRow } from './measure.js';
import type { BenchRow } from './types.js';

const SAMPLE_SERVER = fileURLToPath(new URL('../electron/cli/tce-sample-server.js', import.meta.url));
/** Per mode and round. */
const MEASURE_MS = 1_000;

async function startBackEnd(config: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [SAMPLE_SERVER, '--config', config, '--name', 'server', '--amqp', AMQP_URL, '--quiet'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<void>((resolve) =>
    lines.on('line', (line) => /^tce-sample-server: serving/.test(line) && resolve()),
  );
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`tce-sample-server (bench back end) exited with code ${String(code)}`);
  });
  await Promise.race([ready, exited]);
  return child;
}

/** The gateway's side of the cluster example: writes mq_server, reads its replies on mq_gateway. */
async function tceRequester(cluster: ClusterCopy): Promise<Requester> {
  const broker = await connectAmqp(AMQP_URL, { connectionName: 'tce-bench-rpc-client' });
  const queue = (name: string): MqAddress => ({ name, type: 'queue', durable: true, create: 'always', subject: '' });
  const replies = new MqReplies(broker, await broker.openReader(queue(cluster.node('mq_gateway'))), {
    endpoint: 'mq_gateway',
  });
  const server = new ServerProxy(new MqCallTarget(await broker.openWriter(queue(cluster.node('mq_server'))), replies));
  return {
    call: async () => {
      await server.echo('hello');
    },
    stop: () => broker.close(),
  };
}

export async function benchAmqp(): Promise<BenchRow[]> {
  const echo = await startAmqpEcho({ guaranteed: true });
  const cluster = copyCluster(`tce-bench-amqp-${process.pid}`);
  let backEnd: ChildProcess | undefined;
  try {
    backEnd = await startBackEnd(cluster.configYml);
    const r = await alternate({
      transport: () => measureRequester(echo.transportRequester, MEASURE_MS),
      raw: () => measureRequester(echo.rawRequester, MEASURE_MS),
      tce: () => measureRequester(() => tceRequester(cluster), MEASURE_MS),
      guaranteed: () => measureRequester(echo.guaranteedRequester, MEASURE_MS),
    });
    const reference = { name: 'raw amqplib request/reply', pairs: r.raw };
    const tceLabel = 'TCE echo over RabbitMQ (MqCallTarget → sample back end)';
    const guaranteedLabel =
      "raw amqplib request/reply with TCE's guarantees (confirms, persistent, durable queues, ack after confirm)";
    const ceiling = { name: "raw amqplib with TCE's guarantees", pairs: r.guaranteed };
    return [
      versusRow('MqWriter/MqReader request/reply', 'inFlight', r.transport, reference, 0.9),
      versusRow('MqWriter/MqReader request/reply', 'sequential', r.transport, reference),
      versusRow(tceLabel, 'inFlight', r.tce, reference, 0.8),
      versusRow(tceLabel, 'sequential', r.tce, reference),
      versusRow(guaranteedLabel, 'inFlight', r.guaranteed, reference),
      versusRow(guaranteedLabel, 'sequential', r.guaranteed, reference),
      versusRow(tceLabel, 'inFlight', r.tce, ceiling),
      versusRow(tceLabel, 'sequential', r.tce, ceiling),
      ...pairRows('raw amqplib request/reply', r.raw),
      ...pairRows('MqWriter/MqReader request/reply', r.transport),
      ...pairRows(tceLabel, r.tce),
      ...pairRows(guaranteedLabel, r.guaranteed),
    ];
  } finally {
    if (backEnd && backEnd.exitCode === null) {
      backEnd.kill('SIGTERM');
      await once(backEnd, 'exit');
    }
    await echo.stop();
    await removeNodes(cluster.queues, cluster.exchanges);
    cluster.removeFiles();
  }
}
