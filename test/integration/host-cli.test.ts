// tce-console as a user runs it (the built CLI): the fallback to the browser mode where there is
// no Electron binary, the printed URL and its token, the project and sandbox, clean shutdown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterCopy } from '../../support/cluster-copy.js';
import { electronBinary, NO_ELECTRON_MESSAGE } from '../../electron/shell/electron-binary.js';
import { connectWebBridge } from '../../electron/web/client.js';
import { clusterProject } from './host-kit.js';
import { CliProcess, ROOT, requireBuilt, runCli } from '../../support/cli-kit.js';

const configHome = mkdtempSync(join(tmpdir(), 'tce-console-cli-config-'));
const env = { ...process.env, TCE_AMQP_URL: '', XDG_CONFIG_HOME: configHome };

beforeAll(() => requireBuilt('tce-console'));
afterAll(() => rmSync(configHome, { recursive: true, force: true }));

describe('tce-console', () => {
  let project: ClusterCopy;
  beforeAll(() => {
    project = clusterProject();
  });
  afterAll(() => project?.removeFiles());

  it.skipIf(electronBinary(ROOT) !== undefined)(
    'falls back to the browser mode, says so, and serves the project and its sandbox behind the token',
    async () => {
      const cli = new CliProcess('tce-console', ['--project', project.dir, '--sandbox'], env);
      try {
        const line = await cli.waitFor(/^TCE Console \(browser mode\): http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/);
        expect(cli.stderr).toContain(NO_ELECTRON_MESSAGE);
        expect(cli.stderr).toMatch(/sandbox on in-memory broker/);
        const url = line.split(': ')[1]!;
        expect((await fetch(url)).status).toBe(200);
        expect((await fetch(url.replace(/\?token=.*/, ''))).status).toBe(401);
        const token = new URL(url).searchParams.get('token')!;
        const bridge = await connectWebBridge(`ws://${new URL(url).host}/api?token=${token}`);
        expect((await bridge.call('project.current', {}))?.root).toBe(project.dir);
        expect((await bridge.call('sandbox.state', {})).state).toBe('running');
        await bridge.close();
      } finally {
        expect(await cli.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      }
    },
  );

  it('refuses to serve beyond this machine, and a project that is not there', async () => {
    const wide = await runCli('tce-console', ['--web', '--host', '0.0.0.0'], { env });
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/--host must be a loopback address/);
    const missing = await runCli('tce-console', ['--web', '--project', `${project.dir}/nothing-here`], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot open project .*nothing-here/);
  });
});
