#!/usr/bin/env node
// tce-mock: the console's sandbox without the console — a project's gateways and mock back ends
// (electron/mock), for testing a client against back ends that do not exist yet.
import { stopSignal } from './stop-signal.js';
import { join } from 'node:path';
import { AMQP_URL_ENV } from '../../shared/project/broker-url.js';
import type { SandboxMode } from '../../shared/console-api/types.js';
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import { messageOf } from '../host/errors.js';
import { ProjectSession } from '../host/project-session.js';
import { startSandbox, type RunningSandbox } from '../host/sandbox.js';
import { Workspace } from '../host/workspace.js';
import type { MockEngine } from '../mock/engine.js';
import { openProjectMocks } from '../host/project-mocks.js';
import { choice, scanArgs, UsageError } from './args.js';
import { err, out, runMain } from './output.js';
import type { Log } from '../../shared/log.js';

const NAME = 'tce-mock';
const USAGE = `usage: ${NAME} <project dir | services.xml> [--amqp URL] [--only gateways|backends] [--quiet]

Runs the project's gateways (every <server> with a listen property) and a mock back end for
every config.yml section that reads a queue. Back ends answer each operation with an override
(.tce-console/mocks.json), else a handler of <project>/mocks/*.mjs, else its example value.
Prints what listens where, then one line per call answered; stops on SIGINT/SIGTERM.

  --amqp URL        RabbitMQ, amqp://user:password@host:5672 (default: $${AMQP_URL_ENV}); without
                    one, or when it cannot be reached, the in-memory broker
  --only gateways   the gateways only (back ends run elsewhere)
  --only backends   the mock back ends only, behind gateways that run elsewhere (needs RabbitMQ)
  --quiet           no line per call
  -h, --help        this text`;

interface Args {
  project: string;
  amqp?: string;
  mode: SandboxMode;
  quiet: boolean;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args | 'help' {
  const positional: string[] = [];
  const args: Omit<Args, 'project'> = { mode: 'full', quiet: false };
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--amqp':
        args.amqp = value();
        break;
      case '--only':
        args.mode = choice('--only', value(), ['gateways', 'backends']);
        break;
      case '--quiet':
        args.quiet = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        positional.push(arg);
    }
    return undefined;
  });
  if (stop === 'stop') return 'help';
  if (positional.length !== 1)
    throw new UsageError(
      positional.length === 0 ? 'expected <project dir | services.xml>' : `unexpected argument '${positional[1]}'`,
    );
  if (args.mode === 'backends' && args.amqp === undefined && !env[AMQP_URL_ENV]?.trim()) {
    throw new UsageError(
      `--only backends needs --amqp URL (or ${AMQP_URL_ENV}): back ends on the in-memory broker could be reached by nobody`,
    );
  }
  return { ...args, project: positional[0]! };
}

/** A problem to report as `tce-mock: error: …`, exit 1. */
class StartError extends Error {}

interface Running {
  project: ProjectSession;
  engine: MockEngine;
  sandbox: RunningSandbox;
}

async function start(args: Args): Promise<Running> {
  const log: Log = (level, message) => {
    if (level !== 'info') err(`${NAME}: ${level === 'warn' ? 'warning' : level}: ${message}`);
  };
  let sandbox: RunningSandbox | undefined;
  // Assigned once, below, but read by the project's change callback, which may run before that.
  // eslint-disable-next-line prefer-const
  let engine: MockEngine | undefined;
  let project: ProjectSession;
  try {
    project = await ProjectSession.open(args.project, {
      changed: (snapshot, paths) => {
        engine?.setProject({ model: project.model, services: project.services, config: project.config });
        sandbox?.refresh();
        const setup = [snapshot.files.servicesXml, snapshot.files.configYml].filter(
          (p) => p !== undefined && paths.includes(p),
        );
        if (setup.length > 0)
          err(`${NAME}: warning: ${setup.join(' and ')} changed: restart ${NAME} to run with the change`);
        for (const d of snapshot.diagnostics) if (d.severity === 'error') err(formatDiagnostic(d));
      },
      fileChanged: () => undefined,
      log,
    });
  } catch (error) {
    throw new StartError(`cannot open project ${args.project}: ${messageOf(error)}`);
  }
  const snapshot = project.snapshot();
  for (const d of snapshot.diagnostics) if (d.severity !== 'info') err(formatDiagnostic(d));
  if (hasErrors(snapshot.diagnostics)) {
    project.close();
    throw new StartError(`${snapshot.root} has errors (above): fix them first`);
  }
  if (!project.services) {
    project.close();
    throw new StartError(`${snapshot.root} has no services.xml: it describes the gateways and routes to run`);
  }
  const workspace = new Workspace(project.folder, log);
  engine = await openProjectMocks(project, workspace, {
    log: (level, message) => {
      if (level === 'info') {
        if (!args.quiet) out(message);
      } else log(level, message);
    },
  });
  for (const d of engine.problems()) err(formatDiagnostic(d));
  try {
    sandbox = await startSandbox({
      services: project.services,
      mocks: engine,
      params: {
        mode: args.mode,
        ...(args.amqp === undefined ? {} : { amqpUrl: args.amqp }),
        ...(args.mode === 'backends' ? { broker: 'amqp' as const } : {}),
      },
      env: process.env,
      log: (level, message) => (level === 'info' ? void err(`${NAME}: ${message}`) : log(level, message)),
    });
  } catch (error) {
    await engine.close();
    project.close();
    throw new StartError(messageOf(error));
  }
  return { project, engine, sandbox };
}

/** What listens where, one line each. */
function readyLines(running: Running): string[] {
  const { state } = running.sandbox;
  const root = running.project.root;
  const lines = [`${NAME}: broker: ${state.broker.description}`];
  for (const g of state.gateways)
    lines.push(`${NAME}: gateway ${g.server} listens on ${g.listen.join(', ') || '(no socket endpoint)'}`);
  const operations = running.engine.state().operations;
  for (const b of state.backEnds) {
    const mine = operations.filter((o) => o.backEnds.includes(b.name));
    const scripts = [...new Set(mine.flatMap((o) => (o.script ? [o.script.file] : [])))];
    const count = (behaviour: string): number => mine.filter((o) => o.behaviour === behaviour).length;
    lines.push(
      `${NAME}: back end ${b.name} reads ${b.reads.join(', ')}, answers ${b.serves.join(', ')}: ${mine.length} operation(s), ${count('script')} by script${scripts.length ? ` (${scripts.join(', ')})` : ''}, ${count('override')} by override, ${count('example')} by example`,
    );
  }
  if (state.backEnds.length > 0 && running.engine.state().scripts.length === 0)
    lines.push(`${NAME}: no scripts in ${join(root, 'mocks')}: answers are overrides or examples`);
  lines.push(
    `${NAME}: ready (${state.gateways.length} gateway(s), ${state.backEnds.length} back end(s)); Ctrl+C stops`,
  );
  return lines;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${NAME}: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  let running: Running;
  try {
    running = await start(args);
  } catch (e) {
    if (!(e instanceof StartError)) throw e;
    err(`${NAME}: error: ${e.message}`);
    return 1;
  }
  const stopped = stopSignal();
  for (const line of readyLines(running)) out(line);
  const signal = await stopped;
  await running.sandbox.stop();
  await running.engine.close();
  running.project.close();
  out(`${NAME}: stopped (${signal})`);
  return 0;
}

runMain(NAME, main);
