#!/usr/bin/env node
// tce-sample-server: the back end of the TCE cluster example (idl-samples/test.idl) on sockets
// (spec §3.1, §3.3) and/or message queues (spec §3.4, §7.2).
import { stopSignal } from './stop-signal.js';
import { readFileSync } from 'node:fs';
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import type { Broker } from '../../shared/rpc/connection.js';
import {
  backEndEndpoints,
  parseConfigYml,
  resolveBrokerUrl,
  type BackEndEndpoints,
  type ConfigModel,
  type ServicesModel,
} from '../../shared/project/index.js';
import { startSampleServer, type SampleServer, type SampleServerOptions } from '../sample-server/sample-server.js';
import { connectAmqp } from '../transports/amqp.js';
import { scanArgs, UsageError, wholeNumber } from './args.js';
import { runMain } from './output.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

const NAME = 'tce-sample-server';
const USAGE = `usage: ${NAME} --listen URL [--listen URL …]
       ${NAME} --config config.yml --name SECTION [--amqp URL] [--broadcast] [--ack-on-receipt] [--prefetch N]

Serves test.idl's test.Server (echo, timeout, heartbeat, bidirection, datetime); both modes may
be combined. Prints one line when ready; one line per call.

  --listen URL         tcp://host:port, ws://host:port, tls://… or wss://… (repeatable; port 0 = any)
  --tls-key FILE       PEM key for tls:// and wss:// listeners
  --tls-cert FILE      PEM certificate for tls:// and wss:// listeners
  --max-connections N  socket connections open at once; more are refused and logged (default 10000)
  --idle-timeout MS    close a socket connection after MS without traffic either way
                       (default 300000, 0 = never)
  --config FILE        config.yml with the back end's MQ endpoints (spec §7.2)
  --name SECTION       its section to use: AF_READ endpoints are served, AF_WRITE ones carry
                       RETURNs (to the endpoint named by each CALL's __mq_return__) and pushes
  --amqp URL           RabbitMQ, amqp://user:password@host:5672; default: env TCE_AMQP_URL,
                       else the host and port of the config's endpoints with guest:guest
  --broadcast          bidirection() over MQ also pushes "server push message! (broadcast)" to the
                       section's topic endpoint (e.g. mq_gateway_broadcast), which every gateway
                       reads and delivers to the caller's user id wherever it is connected
  --ack-on-receipt     acknowledge each CALL as it is read, as the original: a back end that dies
                       loses the calls it held (default: once its RETURN is confirmed by the
                       broker, so RabbitMQ hands them to another back end; see docs/delivery.md)
  --prefetch N         CALLs handed to this back end unacknowledged at once, i.e. served at once
                       (default 4000)
  --quiet              no line per call
  -h, --help           this text`;

interface Args {
  listen: string[];
  tlsKey?: string;
  tlsCert?: string;
  maxConnections?: number;
  idleTimeout?: number;
  config?: {
    file: string;
    section: string;
    amqp?: string;
    broadcast: boolean;
    ackOnReceipt: boolean;
    prefetch?: number;
  };
  quiet: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const listen: string[] = [];
  let tlsKey: string | undefined;
  let tlsCert: string | undefined;
  let config: string | undefined;
  let section: string | undefined;
  let amqp: string | undefined;
  let broadcast = false;
  let quiet = false;
  let maxConnections: number | undefined;
  let idleTimeout: number | undefined;
  let ackOnReceipt = false;
  let prefetch: number | undefined;
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--listen':
        listen.push(value());
        break;
      case '--tls-key':
        tlsKey = value();
        break;
      case '--tls-cert':
        tlsCert = value();
        break;
      case '--max-connections':
        maxConnections = wholeNumber('--max-connections', value(), 1, 1_000_000);
        break;
      case '--idle-timeout':
        idleTimeout = wholeNumber('--idle-timeout', value(), 0, 86_400_000);
        break;
      case '--config':
        config = value();
        break;
      case '--name':
        section = value();
        break;
      case '--amqp':
        amqp = value();
        break;
      case '--broadcast':
        broadcast = true;
        break;
      case '--ack-on-receipt':
        ackOnReceipt = true;
        break;
      case '--prefetch':
        prefetch = wholeNumber('--prefetch', value(), 1, 65_535);
        break;
      case '--quiet':
        quiet = true;
        break;
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument '${arg}'`);
    }
    return undefined;
  });
  if (stop === 'stop') return 'help';
  if (config !== undefined && section === undefined)
    throw new UsageError('--config needs --name SECTION (the config.yml section to serve)');
  if (section !== undefined && config === undefined) throw new UsageError('--name needs --config FILE');
  for (const [option, given] of [
    ['--amqp', amqp],
    ['--broadcast', broadcast || undefined],
    ['--ack-on-receipt', ackOnReceipt || undefined],
    ['--prefetch', prefetch],
  ] as const) {
    if (given !== undefined && config === undefined)
      throw new UsageError(`${option} applies to MQ mode (--config) only`);
  }
  if (listen.length === 0 && config === undefined)
    throw new UsageError('nothing to serve: give --listen URL, or --config FILE --name SECTION');
  if ((tlsKey === undefined) !== (tlsCert === undefined)) throw new UsageError('--tls-key and --tls-cert go together');
  for (const [option, given] of [
    ['--max-connections', maxConnections],
    ['--idle-timeout', idleTimeout],
  ] as const) {
    if (given !== undefined && listen.length === 0)
      throw new UsageError(`${option} applies to socket mode (--listen) only`);
  }
  const args: Args = { listen, quiet, maxConnections, idleTimeout };
  if (tlsKey !== undefined) args.tlsKey = tlsKey;
  if (tlsCert !== undefined) args.tlsCert = tlsCert;
  if (config !== undefined && section !== undefined)
    args.config = { file: config, section, broadcast, ackOnReceipt, prefetch, ...(amqp === undefined ? {} : { amqp }) };
  return args;
}

/** A problem to report as `tce-sample-server: error: …`, exit 1. */
class StartError extends Error {}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new StartError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : messageOf(e)}`,
    );
  }
}

/** The section's endpoints, after printing config.yml's diagnostics (errors stop here). */
function loadSection(file: string, section: string): { config: ConfigModel; endpoints: BackEndEndpoints } {
  const { config, diagnostics } = parseConfigYml({ path: file, text: readFile(file) });
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(diagnostics)) throw new StartError(`${file} has errors`);
  const endpoints = backEndEndpoints(config, section);
  if (!endpoints) {
    const sections = config.servers.map((s) => s.name).join(', ') || 'none';
    throw new StartError(`${file} has no section "${section}" (sections: ${sections})`);
  }
  return { config, endpoints };
}

/**
 * The broker URL policy of shared/project (--amqp, then TCE_AMQP_URL, then guest@host:port of an
 * endpoint), applied to config.yml's endpoints: the policy reads them as services.xml endpoints.
 */
function brokerUrl(cli: string | undefined, config: ConfigModel, section: BackEndEndpoints): string {
  const first = [...section.read, ...section.write][0]?.endpoint;
  const endpoints: ServicesModel['endpoints'] = config.endpoints.map((e, i) => ({
    ...e,
    id: i + 1,
    declaredType: e.type,
    tls: false,
    keyfile: '',
    certfile: '',
    compress: undefined,
  }));
  const resolved = resolveBrokerUrl({
    cli,
    env: process.env,
    services: { file: config.file, root: '', interfaces: [], variables: [], endpoints, servers: [] },
    endpoint: first?.name,
  });
  if (!resolved.ok) throw new StartError(resolved.message);
  if (resolved.note) process.stderr.write(`${NAME}: note: ${resolved.note}\n`);
  return resolved.url;
}

async function start(args: Args): Promise<{ server: SampleServer; broker: Broker | undefined }> {
  const log: Log = (_level, line) => void process.stdout.write(`${line}\n`);
  const warn: Log = (_level, line) => void process.stderr.write(`${NAME}: ${line}\n`);
  const options: SampleServerOptions = {
    listen: args.listen,
    log: args.quiet ? () => {} : log,
    maxConnections: args.maxConnections,
    idleTimeout: args.idleTimeout,
  };
  if (args.tlsKey !== undefined && args.tlsCert !== undefined)
    options.tls = { key: readFile(args.tlsKey), cert: readFile(args.tlsCert) };
  let broker: Broker | undefined;
  if (args.config) {
    const { file, section, amqp, broadcast, ackOnReceipt, prefetch } = args.config;
    const { config, endpoints } = loadSection(file, section);
    const topic = endpoints.write.find((e) => e.address.type === 'topic');
    if (broadcast && !topic)
      throw new StartError(`--broadcast: section "${section}" of ${file} writes no topic endpoint`);
    const url = brokerUrl(amqp, config, endpoints);
    try {
      broker = await connectAmqp(url, { connectionName: `${NAME} ${section}`, log: warn, prefetch });
    } catch (error) {
      throw new StartError(messageOf(error));
    }
    options.mq = { broker, endpoints, ackOnReceipt, ...(broadcast && topic ? { broadcast: topic.name } : {}) };
  }
  try {
    return { server: await startSampleServer(options), broker };
  } catch (error) {
    await broker?.close();
    throw new StartError(messageOf(error));
  }
}

function readyLine(server: SampleServer, broker: Broker | undefined, args: Args): string {
  const parts: string[] = [];
  if (server.listening.length > 0) parts.push(`listening on ${server.listening.join(', ')}`);
  if (broker && args.config) {
    const writes = server.mqAdapter?.writers.names.join(', ') || 'nothing';
    parts.push(
      `serving ${server.serving.join(', ')} via ${broker.description} (writes ${writes}${args.config.broadcast ? '; broadcast on' : ''})`,
    );
  }
  return `${NAME}: ${parts.join('; ')}`;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${NAME}: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let running: { server: SampleServer; broker: Broker | undefined };
  try {
    running = await start(args);
  } catch (e) {
    if (!(e instanceof StartError)) throw e;
    process.stderr.write(`${NAME}: error: ${e.message}\n`);
    return 1;
  }
  const stopped = stopSignal();
  process.stdout.write(`${readyLine(running.server, running.broker, args)}\n`);
  const signal = await stopped;
  await running.server.close();
  await running.broker?.close();
  process.stdout.write(`${NAME}: stopped (${signal})\n`);
  return 0;
}

runMain(NAME, main);
