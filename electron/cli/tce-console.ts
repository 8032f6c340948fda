#!/usr/bin/env node
// tce-console: the TCE Console desktop app, or (--web, or where Electron cannot run) its browser mode.
import { stopSignal } from './stop-signal.js';
import { spawn } from 'node:child_process';
import { ConsoleHost } from '../host/host.js';
import { packageRoot } from '../host/package-info.js';
import { electronBinary, NO_ELECTRON_MESSAGE } from '../shell/electron-binary.js';
import { startWebServer } from '../web/server.js';
import { UsageError, scanArgs, wholeNumber } from './args.js';
import { messageOf } from '../../shared/message-of.js';
import { traceFromEnvironment } from '../log.js';

const USAGE = `usage: tce-console [--web] [--project PATH] [--sandbox] [options]

  --web              the browser mode: serve the console on http://127.0.0.1 (default when
                     no Electron binary is installed)
  --project PATH     open this project: a folder, a services.xml or a tce-project.json
  --sandbox          start the project's gateways and mock back ends at once
  --amqp URL         the sandbox's RabbitMQ (default: $TCE_AMQP_URL, else the in-memory broker)
  --port N           browser mode port (default: any free port)
  --host ADDRESS     browser mode address: 127.0.0.1 (default), ::1 or localhost
  -v, --verbose      print the host's log lines
  -h, --help         this text`;

interface Args {
  web: boolean;
  project?: string;
  sandbox: boolean;
  amqp?: string;
  port: number;
  host: string;
  verbose: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const args: Args = { web: false, sandbox: false, port: 0, host: '127.0.0.1', verbose: false };
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--web':
        args.web = true;
        break;
      case '--project':
        args.project = value();
        break;
      case '--sandbox':
        args.sandbox = true;
        break;
      case '--amqp':
        args.amqp = value();
        break;
      case '--port':
        args.port = wholeNumber('--port', value(), 0, 65535);
        break;
      case '--host':
        args.host = value();
        if (!['127.0.0.1', '::1', 'localhost'].includes(args.host))
          throw new UsageError(
            `--host must be a loopback address (127.0.0.1, ::1 or localhost), not '${args.host}': the browser mode is for this machine only`,
          );
        break;
      case '-v':
      case '--verbose':
        args.verbose = true;
        break;
      default:
        throw new UsageError(`unknown argument '${arg}'`);
    }
    return undefined;
  });
  return stop === 'stop' ? 'help' : args;
}

const say = (line: string): void => void process.stderr.write(`tce-console: ${line}\n`);

/** Runs the Electron app with the same options; resolves with its exit code. */
function runElectron(binary: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(binary, [packageRoot(), ...argv], { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      say(`cannot start Electron (${binary}): ${error.message}`);
      resolve(1);
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  });
}

async function runWeb(args: Args): Promise<void> {
  const host = new ConsoleHost({
    mode: 'web',
    log: (level, message) => {
      if (args.verbose || level !== 'info') say(`${level}: ${message}`);
    },
  });
  if (args.project) {
    try {
      const project = await host.run('project.open', { path: args.project });
      const problems = project.diagnostics.filter((d) => d.severity !== 'info').length;
      say(
        `project ${project.root}: ${Object.keys(project.model.interfaces).length} interface(s), ${problems} problem(s)`,
      );
    } catch (error) {
      say(`cannot open project ${args.project}: ${messageOf(error)}`);
      await host.close();
      process.exit(1);
    }
    if (args.sandbox) {
      const state = await host.run('sandbox.start', args.amqp ? { broker: 'amqp', amqpUrl: args.amqp } : {});
      if (state.state === 'running')
        say(
          `sandbox on ${state.broker.description}: ${state.gateways.map((g) => `${g.server} ${g.listen.join(' ')}`).join('; ')}`,
        );
      else if (state.state === 'failed') say(`the sandbox did not start: ${state.reason}`);
    }
  } else if (args.sandbox) say('--sandbox needs --project');
  const server = await startWebServer({ host, address: args.host, port: args.port });
  const stopped = stopSignal();
  process.stdout.write(`TCE Console (browser mode): ${server.url}\n`);
  await stopped;
  await server.close();
  await host.close();
  process.exit(0);
}

async function main(): Promise<void> {
  traceFromEnvironment();
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tce-console: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!args.web) {
    const binary = electronBinary(packageRoot());
    if (binary) process.exit(await runElectron(binary, process.argv.slice(2)));
    say(NO_ELECTRON_MESSAGE);
  }
  await runWeb(args);
}

main().catch((error: unknown) => {
  say(`${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
