#!/usr/bin/env node
// tce-capture: the console's Attach without the console — recording proxies and a broker tap in
// front of a cluster the console did not start, written as NDJSON feed entries with their payloads
// decoded against the project's IDL.
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { FeedPayloads } from '../../shared/console-api/feed-decode.js';
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import type { IdlModel } from '../../shared/idl/model.js';
import { OperationNames } from '../../shared/idl/operation-names.js';
import { Attachments, type AttachProject } from '../capture/attachments.js';
import { CaptureWriter } from '../capture/ndjson-writer.js';
import { proxyUpstream } from '../capture/upstream.js';
import { messageOf } from '../host/errors.js';
import { rawBytes } from '../host/feed/entry.js';
import { Feed } from '../host/feed/feed.js';
import { ProjectSession } from '../host/project-session.js';
import { describeAmqpUrl } from '../transports/amqp-url.js';
import { scanArgs, UsageError, wholeNumber } from './args.js';
import { compileInputs, IDL_OPTIONS_USAGE, IdlOptions, InputError, readSource } from './idl-input.js';
import { err, out, runMain } from './output.js';
import { stopSignal } from './stop-signal.js';

const NAME = 'tce-capture';
const USAGE = `usage: ${NAME} (--project DIR|services.xml | --idl FILES) [--proxy LISTEN_URL=UPSTREAM_URL]… [--tap AMQP_URL] [-o FILE] [--count N] [--duration S]

Records the traffic of a running TCE cluster as NDJSON: one feed entry per line (the console's
export format) with its payload decoded against the IDL ("decoded": {interface, method, kind:
params|result|error, value}, or the reason it does not decode). The console opens such a file
with "Import feed entries". Progress and errors go to stderr. Stops on SIGINT/SIGTERM, --count
or --duration, and writes everything recorded before it exits.

  --project PATH       the project folder or its services.xml (IDL, endpoints, routes)
  --idl FILES          IDL files, comma separated, when there is no services.xml (repeatable)
  --proxy LISTEN=UP    listen on LISTEN (tcp://127.0.0.1:9100, ws://127.0.0.1:9101) and forward
                       every connection to UP (tcp://, tls://, ws://, wss://, or the name of a
                       socket/websocket endpoint of the project), recording each frame (hop
                       proxy); point the clients at LISTEN (repeatable)
  --tap AMQP_URL       amqp://user:password@host:port/vhost: record the project's queues from
                       RabbitMQ's firehose (hop queue); needs \`rabbitmqctl trace_on -p VHOST\`
  -o FILE              write to FILE (default: standard output)
  --count N            stop after N entries
  --duration S         stop after S seconds
  --ca FILE            trusted CA certificate (PEM) for tls:// and wss:// upstreams
  --insecure           accept any certificate from tls:// and wss:// upstreams
${IDL_OPTIONS_USAGE}
  -h, --help           this text`;

interface Args {
  project?: string;
  idlFiles: string[];
  idl: IdlOptions;
  proxies: { listen: string; upstream: string }[];
  tap?: string;
  output?: string;
  count?: number;
  duration?: number;
  ca?: string;
  insecure: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const args: Args = { idlFiles: [], idl: new IdlOptions(), proxies: [], insecure: false };
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--project':
        args.project = value();
        break;
      case '--idl':
        args.idlFiles.push(
          ...value()
            .split(',')
            .filter((p) => p !== ''),
        );
        break;
      case '--proxy': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0 || eq === v.length - 1)
          throw new UsageError(
            `--proxy needs LISTEN_URL=UPSTREAM_URL (e.g. tcp://127.0.0.1:9100=tcp://gw:9000), not '${v}'`,
          );
        args.proxies.push({ listen: v.slice(0, eq), upstream: v.slice(eq + 1) });
        break;
      }
      case '--tap':
        args.tap = value();
        break;
      case '-o':
        args.output = value();
        break;
      case '--count':
        args.count = wholeNumber('--count', value(), 1, Number.MAX_SAFE_INTEGER);
        break;
      case '--duration':
        args.duration = wholeNumber('--duration', value(), 1, 2_147_483);
        break;
      case '--ca':
        args.ca = value();
        break;
      case '--insecure':
        args.insecure = true;
        break;
      default:
        if (!args.idl.accept(arg, value)) throw new UsageError(`unknown option ${arg}`);
    }
    return undefined;
  });
  if (stop === 'stop') return 'help';
  if (args.project === undefined && args.idlFiles.length === 0)
    throw new UsageError('no project: --project DIR|services.xml, or --idl FILES when there is no services.xml');
  if (args.project !== undefined && args.idlFiles.length > 0)
    throw new UsageError('--project and --idl exclude each other: the project names its IDL files');
  if (args.proxies.length === 0 && args.tap === undefined)
    throw new UsageError('nothing to record: give --proxy LISTEN_URL=UPSTREAM_URL and/or --tap AMQP_URL');
  if (args.tap !== undefined && args.project === undefined)
    throw new UsageError(
      "--tap needs --project: the tap keeps the messages of the project's queues (services.xml, config.yml)",
    );
  return args;
}

/** A problem to report as `tce-capture: error: …`, exit 1. */
class StartError extends Error {}

interface Loaded {
  model: IdlModel;
  project: AttachProject;
  session?: ProjectSession;
}

async function load(args: Args): Promise<Loaded> {
  if (args.project === undefined) {
    const compiled = compileInputs(args.idl.finish(args.idlFiles));
    for (const d of compiled.diagnostics) err(formatDiagnostic(d));
    if (hasErrors(compiled.diagnostics)) throw new StartError('the IDL has errors (above)');
    return { model: compiled.result.model, project: { services: undefined, config: undefined } };
  }
  let session: ProjectSession;
  try {
    session = await ProjectSession.open(args.project, {
      changed: () => undefined,
      fileChanged: () => undefined,
      log: (level, message) =>
        level !== 'info' && err(`${NAME}: ${level === 'warn' ? 'warning' : 'error'}: ${message}`),
    });
  } catch (error) {
    throw new StartError(`cannot open project ${args.project}: ${messageOf(error)}`);
  }
  const snapshot = session.snapshot();
  for (const d of snapshot.diagnostics) if (d.severity !== 'info') err(formatDiagnostic(d));
  if (hasErrors(snapshot.diagnostics)) {
    session.close();
    throw new StartError(`${snapshot.root} has errors (above): fix them first`);
  }
  return { model: session.model, project: { services: session.services, config: session.config }, session };
}

async function attach(args: Args, loaded: Loaded, attachments: Attachments): Promise<void> {
  const tls =
    args.ca !== undefined || args.insecure
      ? { ...(args.ca === undefined ? {} : { ca: readSource(args.ca).text }), rejectUnauthorized: !args.insecure }
      : undefined;
  for (const p of args.proxies) {
    const upstream = proxyUpstream(p.upstream, loaded.project.services);
    const info = await attachments.startProxy({ listen: p.listen, ...upstream, ...(tls ? { tls } : {}) });
    if (info.kind === 'proxy')
      err(`${NAME}: proxy ${info.listen} → ${info.upstream}: point the clients at ${info.listen}`);
  }
  if (args.tap !== undefined) {
    const info = await attachments.startTap(args.tap, loaded.project);
    if (info.kind === 'tap')
      err(`${NAME}: tap on ${describeAmqpUrl(args.tap)} vhost ${info.vhost}: ${info.watches.join(', ')}`);
  }
}

/** The -o file, opened now: a path that cannot be written is an error before anything listens. */
function openOutput(path: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new StartError(`cannot write ${path}: ${messageOf(error)}`);
  }
  const stream = createWriteStream(path, { fd });
  stream.on('error', (error) => {
    err(`${NAME}: error: writing ${path}: ${error.message}`);
    process.exit(1);
  });
  return stream;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

async function run(args: Args): Promise<number> {
  const loaded = await load(args);
  const feed = new Feed();
  feed.setNames(new OperationNames(loaded.model));
  const payloads = new FeedPayloads(loaded.model, rawBytes);
  const output: Writable = args.output === undefined ? process.stdout : openOutput(args.output);
  const attachments = new Attachments({
    feed,
    log: (level, message) =>
      err(`${NAME}: ${level === 'info' ? '' : `${level === 'warn' ? 'warning' : 'error'}: `}${message}`),
  });
  // Installed before anything listens: a supervisor may signal the moment it reads the ready line.
  const signal = stopSignal();
  try {
    await attach(args, loaded, attachments);
  } catch (error) {
    await attachments.stopAll();
    loaded.session?.close();
    throw new StartError(messageOf(error));
  }
  const writer = new CaptureWriter({
    feed,
    decode: (e) => payloads.decode(e),
    out: output,
    end: args.output !== undefined,
    ...(args.count === undefined ? {} : { count: args.count }),
    onDropped: (n) => err(`${NAME}: warning: ${n} entries were dropped before they could be written (output too slow)`),
  });
  writer.start();
  err(`${NAME}: recording; Ctrl+C stops`);
  const why = await Promise.race([
    signal,
    writer.countReached.then(() => `--count ${args.count}`),
    ...(args.duration === undefined ? [] : [sleep(args.duration * 1000).then(() => `--duration ${args.duration}`)]),
  ]);
  await attachments.stopAll();
  await writer.finish();
  loaded.session?.close();
  err(`${NAME}: stopped (${why}): ${writer.count} entries written`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      out(USAGE);
      return 0;
    }
    return await run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${NAME}: ${e.message}\n\nrun ${NAME} --help for the options`);
      return 2;
    }
    if (e instanceof StartError || e instanceof InputError) {
      err(`${NAME}: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

// Exits when done: a client may still hold a proxied socket half open.
runMain(NAME, main, { exit: true });
