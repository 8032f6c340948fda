// The built CLIs (dist/, from `npm run build`) run as a user runs them: child processes, real ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository: one folder up from here, two when running built (dist/support/…, as the benchmarks do). */
export const ROOT = [1, 2]
  .map((up) => join(import.meta.dirname, ...Array<string>(up).fill('..')))
  .find((dir) => existsSync(join(dir, 'package.json')))!;
export const cliPath = (name: string): string => join(ROOT, 'dist', 'electron', 'cli', `${name}.js`);

/** Fails early, and says why, when the CLIs have not been built. */
export function requireBuilt(...names: string[]): void {
  for (const name of names)
    if (!existsSync(cliPath(name))) throw new Error(`${cliPath(name)} is missing: run \`npm run build\` first`);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI to its end (killed after timeoutMs). */
export function runCli(
  name: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath(name), ...args], { cwd: ROOT, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A long-running CLI: its output lines as they come, and a clean stop. */
export class CliProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  /** `nodeArgs` go to node before the script, e.g. `--max-old-space-size=64`. */
  constructor(
    name: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    nodeArgs: readonly string[] = [],
  ) {
    this.child = spawn(process.execPath, [...nodeArgs, cliPath(name), ...args], { cwd: ROOT, env });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.lines.push(line));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The first output line matching `pattern`; rejects if the process exits or timeoutMs passes first. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const found = this.lines.find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (exited || Date.now() > deadline) {
        throw new Error(
          `${exited ? 'exited' : `no line within ${timeoutMs} ms`} matching ${pattern}; stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Starts `tce-sample-server` and waits for its ready line; returns the line. */
export async function startSampleServerCli(
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ server: CliProcess; ready: string }> {
  const server = new CliProcess('tce-sample-server', args, env);
  try {
    return { server, ready: await server.waitFor(/^tce-sample-server: (listening|serving)/) };
  } catch (error) {
    await server.stop('SIGKILL');
    throw error;
  }
}

/** The URLs of a `listening on a, b` ready line. */
export function listeningUrls(ready: string): string[] {
  const m = /listening on ([^;]+)/.exec(ready);
  return m ? m[1]!.split(', ') : [];
}

/**
 * idl-samples/cluster/config.yml with every queue and topic renamed `<name>-<suffix>` (endpoint
 * names unchanged), so a test never touches the fixed cluster queues; returns its path and the names.
 */
export function suffixedClusterConfig(dir: string, suffix: string): { path: string; nodes: Record<string, string> } {
  const text = readFileSync(join(ROOT, 'idl-samples', 'cluster', 'config.yml'), 'utf8');
  const nodes: Record<string, string> = {};
  const renamed = text.replace(/address: ([A-Za-z0-9_]+);/g, (_m, name: string) => {
    nodes[name] = `${name}-${suffix}`;
    return `address: ${nodes[name]};`;
  });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `config-${suffix}.yml`);
  writeFileSync(path, renamed);
  return { path, nodes };
}
