#!/usr/bin/env node
// tce-gateway: the services.xml gateway (spec §7): clients over socket/WebSocket ⇄ back ends over RabbitMQ.
import { stopSignal } from './stop-signal.js';
import { readFileSync } from 'node:fs';
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import { parseServicesXml, resolveBrokerUrl, type ServicesModel } from '../../shared/project/index.js';
import {
  GatewayError,
  planGateway,
  startGateway,
  type GatewayEvent,
  type GatewayHandle,
  type UserEventsOption,
} from '../gateway/index.js';
import { UsageError, scanArgs, wholeNumber } from './args.js';
import { runMain } from './output.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

const USAGE = `usage: tce-gateway <services.xml> <serverName> [options]

  --amqp URL             RabbitMQ, e.g. amqp://user:password@host:5672 (default: $TCE_AMQP_URL,
                         else guest:guest at the host and port of the services.xml qpid endpoints)
  --listen NAME=URL      listen on URL instead of the endpoint's host and port, e.g.
                         --listen socket_gateway=tcp://127.0.0.1:0 (may be repeated)
  --user-events SPEC     user online/offline events on the extra_mqs outs: off, or
                         IFIDX:ONLINE_OPIDX:OFFLINE_OPIDX (default: <module>.IMessageServer, 0, 1)
  --drain MS             on SIGINT/SIGTERM, wait up to MS for replies to forwarded calls (default 2000)
  --max-connections N    client connections open at once over all listen endpoints; more are
                         refused and logged, open ones keep working (default 10000)
  --idle-timeout MS      close a client connection after MS without traffic either way; clients that
                         only wait for pushes should ping (default 300000, 0 = never)
  --reply-timeout MS     how long a forwarded call's RETURN is waited for before the client is
                         answered error 2 (default 60000)
  --stats MS             print a line of counters, per-call/per-connection structure sizes and memory
                         every MS (heap after a GC when node runs with --expose-gc)
  -v, --verbose          log every message and connection
  -h, --help             this text`;

interface Args {
  servicesXml: string;
  serverName: string;
  amqp?: string;
  listen: Record<string, string>;
  userEvents?: UserEventsOption | false;
  drainMs?: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
  replyTimeoutMs?: number;
  statsMs?: number;
  verbose: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const positional: string[] = [];
  const args: Omit<Args, 'servicesXml' | 'serverName'> = { listen: {}, verbose: false };
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--amqp':
        args.amqp = value();
        break;
      case '--listen': {
        const v = value();
        const at = v.indexOf('=');
        if (at <= 0 || at === v.length - 1) throw new UsageError(`--listen needs NAME=URL, not '${v}'`);
        args.listen[v.slice(0, at)] = v.slice(at + 1);
        break;
      }
      case '--user-events': {
        const v = value();
        const m = /^(\d+):(\d+):(\d+)$/.exec(v);
        if (v !== 'off' && !m)
          throw new UsageError(`--user-events needs off or IFIDX:ONLINE_OPIDX:OFFLINE_OPIDX, not '${v}'`);
        args.userEvents = m
          ? { interface: Number(m[1]), onlineOpidx: Number(m[2]), offlineOpidx: Number(m[3]) }
          : false;
        break;
      }
      case '--drain':
        args.drainMs = wholeNumber('--drain', value(), 0, 600_000);
        break;
      case '--max-connections':
        args.maxConnections = wholeNumber('--max-connections', value(), 1, 1_000_000);
        break;
      case '--idle-timeout':
        args.idleTimeoutMs = wholeNumber('--idle-timeout', value(), 0, 86_400_000);
        break;
      case '--reply-timeout':
        args.replyTimeoutMs = wholeNumber('--reply-timeout', value(), 1, 86_400_000);
        break;
      case '--stats':
        args.statsMs = wholeNumber('--stats', value(), 100, 86_400_000);
        break;
      case '-v':
      case '--verbose':
        args.verbose = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        positional.push(arg);
    }
  });
  if (stop === 'stop') return 'help';
  if (positional.length !== 2)
    throw new UsageError(
      positional.length < 2 ? 'expected <services.xml> <serverName>' : `unexpected argument '${positional[2]}'`,
    );
  return { ...args, servicesXml: positional[0]!, serverName: positional[1]! };
}

/** Reads and checks services.xml; diagnostics go to stderr; undefined when it has errors. */
function readServices(path: string): ServicesModel | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`tce-gateway: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : messageOf(e)}\n`);
    return undefined;
  }
  const { services, diagnostics } = parseServicesXml({ path, text });
  for (const d of diagnostics) if (d.severity !== 'info') process.stderr.write(`${formatDiagnostic(d)}\n`);
  return hasErrors(diagnostics) ? undefined : services;
}

function describeEvent(e: GatewayEvent): string {
  switch (e.type) {
    case 'message': {
      const h = e.header;
      const what = `${h.calltype & 0x01 ? 'CALL' : 'RETURN'} seq ${h.sequence} if ${h.ifidx} op ${h.opidx}${h.errcode ? ` err ${h.errcode}` : ''}`;
      const o = e.outcome;
      const result =
        o.kind === 'forwarded'
          ? `→ ${o.to} ${o.toPeer}`
          : o.kind === 'dropped'
            ? `dropped (${o.reason}): ${o.detail}`
            : o.kind;
      return `${e.direction} ${e.endpoint} ${e.peer}${e.userId === undefined ? '' : ` user ${e.userId}`}: ${what} ${e.size} B ${result}`;
    }
    case 'connection-open':
      return `${e.endpoint} ${e.peer}: connected${e.userId === undefined ? '' : ` as user ${e.userId}`}`;
    case 'connection-user':
      return `${e.endpoint} ${e.peer}: user ${e.userId}`;
    case 'connection-close':
      return `${e.endpoint} ${e.peer}: closed (${e.reason.kind}: ${e.reason.message})`;
    case 'connection-refused':
      return `${e.endpoint} ${e.peer}: refused: ${e.reason}`;
    case 'broker':
      return `broker ${e.state.state}`;
  }
}

/** One JSON object: counters, structure sizes, memory in bytes (heap after a GC if node exposes one). */
function statsLine(gateway: GatewayHandle): string {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return JSON.stringify({ ...gateway.counters(), footprint: gateway.footprint(), rss, heapUsed });
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`tce-gateway: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const services = readServices(args.servicesXml);
  if (!services) return 1;
  const name = args.serverName;
  const log: Log = (_level, line) => void process.stderr.write(`tce-gateway ${name}: ${line}\n`);

  const planned = planGateway(services, name, args.userEvents);
  if (!planned.ok) {
    process.stderr.write(`tce-gateway: ${planned.message}\n`);
    return 1;
  }
  const usesQueues = planned.plan.readers.length + planned.plan.writers.length > 0;
  const brokerUrl = usesQueues ? resolveBrokerUrl({ cli: args.amqp, env: process.env, services }) : undefined;
  if (brokerUrl && !brokerUrl.ok) {
    process.stderr.write(`tce-gateway: ${brokerUrl.message}\n`);
    return 1;
  }
  if (brokerUrl?.note) log('info', brokerUrl.note);

  let gateway: GatewayHandle;
  try {
    gateway = await startGateway({
      services,
      serverName: name,
      amqpUrl: brokerUrl?.url,
      listen: args.listen,
      log,
      userEvents: args.userEvents,
      drainMs: args.drainMs,
      maxConnections: args.maxConnections,
      stream: args.idleTimeoutMs === undefined ? undefined : { idleTimeout: args.idleTimeoutMs },
      forwardedCalls: args.replyTimeoutMs === undefined ? undefined : { ttlMs: args.replyTimeoutMs },
    });
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    process.stderr.write(`tce-gateway: ${e.message}\n`);
    return 1;
  }
  if (args.verbose) gateway.events.subscribe((e) => log('info', describeEvent(e)));
  const stats =
    args.statsMs === undefined
      ? undefined
      : setInterval(() => process.stdout.write(`tce-gateway ${name}: stats ${statsLine(gateway)}\n`), args.statsMs);

  const listening = gateway.listening.map((l) => l.url).join(', ') || 'nothing';
  const queues = [...gateway.reading, ...(gateway.broker ? [] : ['not connected yet'])].join(', ');
  const mq = brokerUrl ? `; mq: ${brokerUrl.display}${queues ? ` (${queues})` : ''}` : '';
  const stopped = stopSignal();
  process.stdout.write(`tce-gateway ${name}: listening on ${listening}${mq}\n`);

  log('info', `${await stopped}: shutting down`);
  clearInterval(stats);
  try {
    await gateway.close();
    return 0;
  } catch (e) {
    log('warn', `error while shutting down: ${messageOf(e)}`);
    return 1;
  }
}

runMain('tce-gateway', main, { exit: true });
