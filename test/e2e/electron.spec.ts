// The desktop app itself (Playwright `_electron`): a window opens on the console, and one invoke
// goes from the renderer through the preload and the host to the sandbox and back. Skipped where
// no Electron binary is installed (detected as shared/STACK.md says, never by loading `electron`).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test, type ElectronApplication } from '@playwright/test';
import { PRELOAD_GLOBAL, type PreloadApi } from '../../shared/console-api/channels.js';
import { electronBinary } from '../../electron/shell/electron-binary.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = electronBinary(root);

/** The cluster sample with listen ports 0, so the sandbox never collides with anything. */
function clusterCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tce-e2e-cluster-'));
  const sample = join(root, 'idl-samples', 'cluster');
  writeFileSync(
    join(dir, 'services.xml'),
    readFileSync(join(sample, 'services.xml'), 'utf8').replace(/port="1200[12]"/g, 'port="0"'),
  );
  copyFileSync(join(sample, 'config.yml'), join(dir, 'config.yml'));
  copyFileSync(join(sample, 'test.idl'), join(dir, 'test.idl'));
  return dir;
}

test.describe('Electron shell', () => {
  test.skip(
    binary === undefined,
    'no Electron binary in node_modules/electron/dist nor in ELECTRON_OVERRIDE_DIST_PATH (see CONTRIBUTING.md)',
  );

  let app: ElectronApplication;
  let project: string;

  test.beforeAll(async () => {
    project = clusterCopy();
    // Chromium will not start as root with its OS sandbox on (CI runs as root); the window's own
    // sandbox and context isolation are the shell's settings and stay as they are.
    const asRoot = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    app = await _electron.launch({
      executablePath: binary!,
      args: [...asRoot, root, '--project', project, '--sandbox'],
      env: { ...process.env, TCE_AMQP_URL: '' },
    });
  });

  test.afterAll(async () => {
    await app?.close();
    rmSync(project, { recursive: true, force: true });
  });

  test('opens a sandboxed window on the console and invokes echo through the preload', async () => {
    const page = await app.firstWindow();
    await expect(page).toHaveTitle(/TCE Console/);
    expect(page.url()).toMatch(/^tce-app:\/\/app\//);
    // No Node in the page: only the preload's two functions.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(
      await page.evaluate(
        (name) => Object.keys((globalThis as unknown as Record<string, object>)[name]!).sort(),
        PRELOAD_GLOBAL,
      ),
    ).toEqual(['call', 'on']);
    const reply = await page.evaluate(async (name) => {
      const api = (globalThis as unknown as Record<string, PreloadApi>)[name]!;
      const opened = await api.call('connection.open', { target: { kind: 'endpoint', endpoint: 'socket_gateway' } });
      if (!opened.ok) return opened;
      const id = (opened.result as { id: string }).id;
      return api.call('invoke', {
        connectionId: id,
        interface: 'test.Server',
        method: 'echo',
        args: ['hello'],
        mode: 'twoway',
        extra: { name: 'scott.bo' },
      });
    }, PRELOAD_GLOBAL);
    expect(reply).toMatchObject({ ok: true, result: { ok: true, value: 'Yah! hello' } });
  });
});
