// Starts one TCE Console in browser mode for the e2e tests: `tce-console --web --sandbox` on a
// private copy of idl-samples/cluster (listen ports 0, unique queue names), the in-memory broker.
// Builds nothing: it says what to build when the build is missing.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { copyCluster } from '../../support/cluster-copy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const URL_ENV = 'TCE_E2E_URL';
export const PROJECT_ENV = 'TCE_E2E_PROJECT';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const project = copyCluster(`tce-e2e-${process.pid}`);
  copyFileSync(join(root, 'idl-samples/cluster/test.idl'), join(project.dir, 'test.idl'));
  const started = await startConsoleProcess(project.dir);
  process.env[URL_ENV] = started.url;
  process.env[PROJECT_ENV] = project.dir;
  return async () => {
    await started.stop();
    project.removeFiles();
  };
}

/** `tce-console --web --sandbox` on a project (in-memory broker): its page URL, and a clean stop. */
export function startConsoleProcess(projectDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  return startWebConsole(['--project', projectDir, '--sandbox']);
}

/** `tce-console --web` with these arguments (in-memory broker): its page URL, and a clean stop. */
export async function startWebConsole(args: readonly string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const cli = join(root, 'dist/electron/cli/tce-console.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  if (!existsSync(join(root, 'dist/renderer/index.html')))
    throw new Error('dist/renderer is missing: run npm run build:renderer first');
  const child = spawn(process.execPath, [cli, '--web', ...args], {
    cwd: root,
    env: { ...process.env, TCE_AMQP_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tce-console did not start in 20 s:\n${stderr.join('')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`tce-console exited with ${code}:\n${stderr.join('')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const found = /browser mode\): (http:\/\/\S+)/.exec(line);
      if (!found) return;
      clearTimeout(timer);
      resolve(found[1]!);
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
