// The Electron main process: a window on the console host, and nothing that a page could use
// to reach further (contextIsolation, sandbox, no Node, CSP, no navigation, no remote content).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { APP_SCHEME } from '../../shared/console-api/channels.js';
import { ConsoleHost } from '../host/host.js';
import { packageRoot } from '../host/package-info.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { serveIpc } from './ipc-bridge.js';
import { buildMenu } from './menu.js';
import { messageOf } from '../../shared/message-of.js';
import { traceFromEnvironment } from '../log.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

registerAppScheme();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function start(): Promise<void> {
  traceFromEnvironment();
  await app.whenReady();
  const host = new ConsoleHost({
    mode: 'electron',
    configDir: app.getPath('userData'),
    log: (level, message) => console.error(`[${level}] ${message}`),
    pickFolder: async () => {
      const chosen = await dialog.showOpenDialog({ title: 'Open project', properties: ['openDirectory'] });
      return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
    },
  });
  // Only the app's own scheme (and devtools) may load anything: no remote content, ever.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !/^(tce-app|devtools|chrome-extension|blob|data):/.test(details.url) }),
  );
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  serveRenderer(join(packageRoot(), 'dist', 'renderer'));
  serveIpc(host);
  const project = option('--project');
  if (project)
    await host
      .run('project.open', { path: project })
      .catch((error: unknown) => console.error(`cannot open ${project}: ${messageOf(error)}`));
  if (project && process.argv.includes('--sandbox')) await host.run('sandbox.start', {});
  await buildMenu(host);

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'TCE Console',
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_SCHEME}://app/index.html`);
  app.on('window-all-closed', () => void host.close().then(() => app.quit()));
}

start().catch((error: unknown) => {
  console.error(error);
  app.exit(1);
});
