// The processes bench/gateway.ts measures through, each on its own core: the gateway (gwserver of
// the cluster example) or the sample back end. Talks to the parent over IPC: sends
// `{ ready, url? }` once serving; answers `'cpu'` with the process's CPU time (µs); exits when
// the parent goes away.
// Usage: node dist/bench/gateway-peer.js gateway SERVICES_XML AMQP_URL | backend CONFIG_YML AMQP_URL
import { readFileSync } from 'node:fs';
import { startGateway } from '../electron/gateway/index.js';
import { startSampleServer } from '../electron/sample-server/sample-server.js';
import { connectAmqp } from '../electron/transports/amqp.js';
import { backEndEndpoints, parseConfigYml, parseServicesXml } from '../shared/project/index.js';

export type PeerMessage = { ready: true; url?: string } | { cpu: number };

const send = (message: PeerMessage): void => void process.send!(message);

async function main(role: string, file: string, amqpUrl: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  let close: () => Promise<void>;
  if (role === 'gateway') {
    const { services } = parseServicesXml({ path: file, text });
    const gateway = await startGateway({
      services,
      serverName: 'gwserver',
      amqpUrl,
      amqp: { connectionName: 'tce-bench-gateway' },
    });
    send({ ready: true, url: gateway.listening[0]!.url });
    close = () => gateway.close();
  } else {
    const endpoints = backEndEndpoints(parseConfigYml({ path: file, text }).config, 'server')!;
    const broker = await connectAmqp(amqpUrl, { connectionName: 'tce-bench-backend' });
    const server = await startSampleServer({ mq: { broker, endpoints } });
    send({ ready: true });
    close = async () => {
      await server.close();
      await broker.close();
    };
  }
  process.on('message', (m) => {
    if (m !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    send({ cpu: user + system });
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
}

const [role, file, url] = process.argv.slice(2);
if ((role !== 'gateway' && role !== 'backend') || !file || !url || !process.send) {
  process.stderr.write(
    'usage (with an IPC channel): gateway-peer gateway SERVICES_XML AMQP_URL | backend CONFIG_YML AMQP_URL\n',
  );
  process.exit(2);
}
await main(role, file, url);
