#!/usr/bin/env node
// tce-run: runs a project's saved calls with their expectations (a collection) against a target,
// or against the project's mock back ends started in-process, for CI; or one saved call as a
// load run. The same engine as the console's Run view (electron/runner) behind the same host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonReport, junitReport, loadTable, textReport, callLine } from '../../shared/collections/report.js';
import { ConsoleError } from '../../shared/console-api/api.js';
import type { LoadRequest, RunReport, TargetSpec } from '../../shared/console-api/types.js';
import { targetFromText } from '../../shared/console-api/target-text.js';
import { formatDiagnostic } from '../../shared/idl/diagnostics.js';
import { ConsoleHost } from '../host/host.js';
import { Assertions } from '../runner/assertions.js';
import { DEFAULT_CONCURRENCY, runLoad } from '../runner/load.js';
import { RunError } from '../runner/run-error.js';
import { runCollection } from '../runner/runner.js';
import { choice, scanArgs, UsageError, wholeNumber } from './args.js';
import { err, out, runMain } from './output.js';

const NAME = 'tce-run';
const REPORTERS = ['text', 'junit', 'json'] as const;
type Reporter = (typeof REPORTERS)[number];

const USAGE = `usage: ${NAME} <project dir> [folder|call …] [--env NAME] [--target URL|endpoint]
              [--reporter text|junit|json] [-o FILE] [--bail] [--mock]
       ${NAME} <project dir> <saved call> --load [--concurrency 64] [--duration 30s | --calls N]
              [--rate R/s] [--env NAME] [--target URL|endpoint] [--mock] [--reporter text|json] [-o FILE]

Runs the project's saved calls (.tce-console/saved-calls/, folders in name order, each folder's
setup first and teardown last) and checks their expectations. Prints one line per call and the
summary line "N passed, N failed". Exit 0 when all pass, 1 on any failure, 2 for usage errors.
{{name}} placeholders come from the run's captures, then the environment (--env, else the active
one), then the process environment as TCE_SECRET_<name> (dots and dashes as _): secrets are never
read from files in the project.

  folder|call        what to run (default: everything)
  --env NAME         the environment of .tce-console/environments.json to use
  --target T         where every call goes: tcp://, tls://, ws://, wss://, amqp://…/<queue>, or an
                     endpoint name of services.xml (default: each call's own target)
  --mock             start the project's gateways and mock back ends in-process (in-memory
                     broker) and call them; without --target, calls go to its first gateway
  --reporter R       text (default), junit (JUnit XML, one testcase per call) or json
  -o FILE            write the report there (the call lines still go to stdout)
  --bail             stop at the first failure (the teardowns of entered folders still run)
  --load             load run of one saved call: calls/s, errors by code, latency percentiles
  --concurrency N    calls in flight at once (default ${DEFAULT_CONCURRENCY})
  --duration D       how long: 30s (default), 500ms, 2m
  --calls N          stop after N calls
  --rate R/s         send R calls per second; latency counts from each call's intended send
                     time (coordinated omission corrected)
  -h, --help         this text`;

interface Args {
  project: string;
  selection: string[];
  env?: string;
  target?: TargetSpec;
  reporter: Reporter;
  output?: string;
  bail: boolean;
  mock: boolean;
  load?: Omit<LoadRequest, 'call' | 'environment' | 'target'>;
}

/** `30s`, `500ms`, `2m`, or plain seconds. */
function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  if (!m) throw new UsageError(`--duration needs a time such as 30s, 500ms or 2m, not '${value}'`);
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (ms < 1 || ms > 3_600_000) throw new UsageError(`--duration must be from 1ms to 60m, not '${value}'`);
  return Math.round(ms);
}

function rate(value: string): number {
  const m = /^(\d+)(\/s)?$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 1_000_000)
    throw new UsageError(`--rate needs calls per second from 1 to 1000000, such as 200/s, not '${value}'`);
  return Number(m[1]);
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const positional: string[] = [];
  let env: string | undefined;
  let target: TargetSpec | undefined;
  let reporter: Reporter | undefined;
  let output: string | undefined;
  let bail = false;
  let mock = false;
  let load = false;
  let concurrency: number | undefined;
  let durationMs: number | undefined;
  let calls: number | undefined;
  let perSecond: number | undefined;
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--env':
        env = value();
        break;
      case '--target':
        target = targetFromText(value());
        break;
      case '--reporter':
        reporter = choice('--reporter', value(), REPORTERS);
        break;
      case '-o':
        output = value();
        break;
      case '--bail':
        bail = true;
        break;
      case '--mock':
        mock = true;
        break;
      case '--load':
        load = true;
        break;
      case '--concurrency':
        concurrency = wholeNumber('--concurrency', value(), 1, 1024);
        break;
      case '--duration':
        durationMs = duration(value());
        break;
      case '--calls':
        calls = wholeNumber('--calls', value(), 1, 100_000_000);
        break;
      case '--rate':
        perSecond = rate(value());
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        positional.push(arg);
    }
    return undefined;
  });
  if (stop === 'stop') return 'help';
  const [project, ...selection] = positional;
  if (project === undefined) throw new UsageError('expected <project dir>');
  const loadOnly = [
    ['--concurrency', concurrency],
    ['--duration', durationMs],
    ['--calls', calls],
    ['--rate', perSecond],
  ].find(([, v]) => v !== undefined);
  if (!load && loadOnly) throw new UsageError(`${String(loadOnly[0])} applies to load runs (--load) only`);
  const args: Args = { project, selection, reporter: reporter ?? 'text', bail, mock };
  if (load) {
    if (selection.length !== 1) throw new UsageError('--load runs one saved call: name it after the project');
    if (reporter === 'junit')
      throw new UsageError('--reporter junit reports collections; a load run reports text or json');
    if (bail) throw new UsageError('--bail applies to collections, not load runs');
    args.load = { concurrency: concurrency ?? DEFAULT_CONCURRENCY };
    if (durationMs !== undefined) args.load.durationMs = durationMs;
    if (calls !== undefined) args.load.calls = calls;
    if (perSecond !== undefined) args.load.rate = perSecond;
  }
  if (env !== undefined) args.env = env;
  if (target !== undefined) args.target = target;
  if (output !== undefined) args.output = output;
  return args;
}

/** `{{token}}` → `TCE_SECRET_token` (a name's dots and dashes become underscores). */
const secretFromEnvironment = (name: string): string | undefined =>
  process.env[`TCE_SECRET_${name.replace(/[.-]/g, '_')}`];

/** Opens the project in a host of its own (its own config folder: nothing of the user's is read or written). */
async function openHost(args: Args): Promise<{ host: ConsoleHost; target?: TargetSpec; close(): Promise<void> }> {
  const configDir = mkdtempSync(join(tmpdir(), 'tce-run-'));
  const host = new ConsoleHost({
    mode: 'web',
    configDir,
    env: process.env,
    log: (level, message) => {
      if (level !== 'info') err(`${NAME}: ${level === 'warn' ? 'warning' : 'error'}: ${message}`);
    },
  });
  const close = async (): Promise<void> => {
    await host.close();
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    const snapshot = await host.run('project.open', { path: args.project });
    for (const d of snapshot.diagnostics) if (d.severity === 'error') err(formatDiagnostic(d));
    let target = args.target;
    if (args.mock) {
      const state = await host.run('sandbox.start', { broker: 'memory' });
      if (state.state !== 'running')
        throw new RunError(
          `the mock back ends did not start: ${state.state === 'failed' ? state.reason : state.state}`,
        );
      const listen = state.gateways.flatMap((g) => g.listen).find((url) => /^(tcp|ws):/.test(url));
      if (target === undefined && listen !== undefined) target = { kind: 'url', url: listen };
      err(
        `${NAME}: mock back ends running (${state.broker.description}); calls go to ${target ? describeTarget(target) : "each call's own target"}`,
      );
    }
    return { host, ...(target === undefined ? {} : { target }), close };
  } catch (error) {
    await close();
    throw error;
  }
}

const describeTarget = (t: TargetSpec): string => (t.kind === 'url' ? t.url : `endpoint ${t.endpoint}`);

async function runTests(args: Args, host: ConsoleHost, target: TargetSpec | undefined): Promise<number> {
  const assertions = new Assertions();
  let report: RunReport;
  try {
    report = await runCollection(
      host.runBackend({ ...(args.env === undefined ? {} : { environment: args.env }), secret: secretFromEnvironment }),
      {
        selection: args.selection,
        bail: args.bail,
        ...(target ? { target } : {}),
        ...(args.env ? { environment: args.env } : {}),
      },
      { id: `run-${process.pid}`, assertions, onCall: (call) => out(callLine(call)) },
    );
  } finally {
    await assertions.close();
  }
  if (report.calls.length === 0) err(`${NAME}: warning: no saved calls to run in ${args.project}`);
  if (report.totals.skipped > 0) out(`${report.totals.skipped} skipped`);
  out(`${report.totals.passed} passed, ${report.totals.failed} failed`);
  const text =
    args.reporter === 'junit'
      ? junitReport(report)
      : args.reporter === 'json'
        ? jsonReport(report)
        : textReport(report);
  if (args.output !== undefined) writeFileSync(args.output, text);
  else if (args.reporter !== 'text') out(text.trimEnd());
  return report.totals.failed > 0 ? 1 : 0;
}

async function runLoadTest(args: Args, host: ConsoleHost, target: TargetSpec | undefined): Promise<number> {
  const load = args.load!;
  const request: LoadRequest = { call: args.selection[0]!, ...load, ...(target ? { target } : {}) };
  const report = await runLoad(
    host.runBackend({ ...(args.env === undefined ? {} : { environment: args.env }), secret: secretFromEnvironment }),
    request,
    {
      id: `load-${process.pid}`,
      onProgress: (r) =>
        err(`${NAME}: ${r.calls} calls, ${r.callsPerSecond.toFixed(0)}/s, p99 ${r.latency.p99Ms.toFixed(2)} ms`),
    },
  );
  const text = args.reporter === 'json' ? jsonReport(report) : loadTable(report);
  out(loadTable(report).trimEnd());
  if (args.output !== undefined) writeFileSync(args.output, text);
  else if (args.reporter === 'json') out(text.trimEnd());
  return report.calls === report.ok ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${NAME}: ${e.message}\n\nrun ${NAME} --help for the options`);
    return 2;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  let opened;
  try {
    opened = await openHost(args);
  } catch (e) {
    if (e instanceof ConsoleError || e instanceof RunError) {
      err(`${NAME}: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  try {
    return args.load
      ? await runLoadTest(args, opened.host, opened.target)
      : await runTests(args, opened.host, opened.target);
  } catch (e) {
    // An unknown folder or environment is a usage error: nothing ran.
    if (e instanceof RunError || (e instanceof ConsoleError && e.code === 'not-found')) {
      err(`${NAME}: ${e.message}`);
      return 2;
    }
    if (e instanceof ConsoleError) {
      err(`${NAME}: error: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await opened.close();
  }
}

runMain(NAME, main);
