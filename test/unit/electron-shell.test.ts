// The Electron shell's security settings, checked without an Electron binary (none can be had on
// these machines): the real main process (electron/shell/main.ts) and the real preload
// (electron/shell/preload.cts) run against `recordingElectron`, a recording stand-in of the
// `electron` module that keeps what the shell asked Electron for. The host behind it is the real
// ConsoleHost. What runs only inside Electron (the window itself) is test/e2e/electron.spec.ts's.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APP_SCHEME,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_FEED_ACK_CHANNEL,
  PRELOAD_GLOBAL,
  type IpcReply,
  type PreloadApi,
} from '../../shared/console-api/channels.js';

/** The IPC channels of shared/console-api/channels.ts: the only ones the shell may use. */
const ALLOWED_CHANNELS = [IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_FEED_ACK_CHANNEL];

type Listener = (...args: unknown[]) => unknown;

/** An event emitter that keeps its listeners, so a test can fire what Electron would. */
class Recorder {
  readonly listeners = new Map<string, Listener[]>();
  on(name: string, listener: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string, listener: Listener): this {
    return this.on(name, listener);
  }
  fire(name: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(...args);
  }
}

const recordingElectron = vi.hoisted(() => {
  const userData = `${process.env.TMPDIR ?? '/tmp'}/tce-shell-test-${process.pid}`;
  const record = {
    schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcHandle: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    ipcOn: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
    windows: [] as { options: { webPreferences: Record<string, unknown> }; urls: string[] }[],
    beforeRequest: undefined as
      undefined | ((details: { url: string }, callback: (response: { cancel: boolean }) => void) => void),
    permission: undefined as
      undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    menus: 0,
    quit: 0,
    exit: [] as number[],
    userData,
  };
  return { record, appListeners: new Map<string, ((...args: unknown[]) => unknown)[]>() };
});

vi.mock('electron', () => {
  const { record, appListeners } = recordingElectron;
  const on = (name: string, listener: (...args: unknown[]) => unknown) =>
    appListeners.set(name, [...(appListeners.get(name) ?? []), listener]);
  class BrowserWindow {
    static getFocusedWindow = () => null;
    private readonly entry: { options: { webPreferences: Record<string, unknown> }; urls: string[] };
    constructor(options: { webPreferences: Record<string, unknown> }) {
      this.entry = { options, urls: [] };
      record.windows.push(this.entry);
    }
    once(): this {
      return this;
    }
    show(): void {}
    loadURL(url: string): Promise<void> {
      this.entry.urls.push(url);
      return Promise.resolve();
    }
  }
  const app = {
    isPackaged: false,
    on,
    whenReady: async () => {},
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`recordingElectron: app.getPath('${name}') is not recorded`);
      return record.userData;
    },
    quit: () => void record.quit++,
    exit: (code: number) => void record.exit.push(code),
  };
  return {
    app,
    BrowserWindow,
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: () => void record.menus++ },
    dialog: {},
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof record.schemes) => record.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        record.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        webRequest: { onBeforeRequest: (listener: typeof record.beforeRequest) => (record.beforeRequest = listener) },
        setPermissionRequestHandler: (handler: typeof record.permission) => (record.permission = handler),
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
        record.ipcHandle.set(channel, handler),
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
        record.ipcOn.set(channel, listener),
    },
  };
});

const { record, appListeners } = recordingElectron;

describe('Electron main process (electron/shell/main.ts) against recordingElectron', () => {
  beforeAll(async () => {
    mkdirSync(record.userData, { recursive: true });
    await import('../../electron/shell/main.js');
    await vi.waitFor(() => expect(record.windows[0]?.urls).toHaveLength(1));
  });

  afterAll(async () => {
    for (const listener of appListeners.get('window-all-closed') ?? []) listener();
    await vi.waitFor(() => expect(record.quit).toBe(1));
    rmSync(record.userData, { recursive: true, force: true });
  });

  it('opens one window: context isolation, sandbox, no Node, web security, the preload beside main', () => {
    expect(record.windows).toHaveLength(1);
    const prefs = record.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    for (const risky of [
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'allowRunningInsecureContent',
      'experimentalFeatures',
      'webviewTag',
    ])
      expect(prefs[risky], risky).toBeFalsy();
    expect(basename(String(prefs.preload))).toBe('preload.cjs');
    expect(basename(dirname(String(prefs.preload)))).toBe('shell');
    expect(record.windows[0]!.urls).toEqual([`${APP_SCHEME}://app/index.html`]);
    expect(record.exit).toEqual([]);
  });

  it('blocks navigation, new windows and webviews in every web contents', () => {
    const created = appListeners.get('web-contents-created') ?? [];
    expect(created).toHaveLength(1);
    const contents = Object.assign(new Recorder(), { openHandler: undefined as undefined | (() => unknown) });
    const withOpenHandler = Object.assign(contents, {
      setWindowOpenHandler: (handler: () => unknown) => (contents.openHandler = handler),
    });
    created[0]!({}, withOpenHandler);
    for (const name of ['will-navigate', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      expect(contents.listeners.get(name), name).toHaveLength(1);
      contents.fire(name, event, 'https://example.org/');
      expect(event.preventDefault, name).toHaveBeenCalledOnce();
    }
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
  });

  it('loads nothing but its own scheme, and grants no permission', () => {
    const cancelled = (url: string): boolean => {
      let answer: boolean | undefined;
      record.beforeRequest!({ url }, (response) => (answer = response.cancel));
      return answer!;
    };
    for (const url of [
      'https://example.org/x.js',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'ws://127.0.0.1:1/api',
    ])
      expect(cancelled(url), url).toBe(true);
    expect(cancelled(`${APP_SCHEME}://app/index.html`)).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let granted: boolean | undefined;
      record.permission!({}, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
    }
  });

  it('registers its scheme as secure and standard, without bypassing the CSP', () => {
    expect(record.schemes.map((s) => s.scheme)).toEqual([APP_SCHEME]);
    expect(record.schemes[0]!.privileges).toMatchObject({ standard: true, secure: true });
    expect(record.schemes[0]!.privileges.bypassCSP).toBeFalsy();
    expect([...record.protocolHandlers.keys()]).toEqual([APP_SCHEME]);
  });

  it('listens on the allowed IPC channels only, and answers calls from its own pages only', async () => {
    expect([...record.ipcHandle.keys(), ...record.ipcOn.keys()].sort()).toEqual(
      [IPC_CALL_CHANNEL, IPC_FEED_ACK_CHANNEL].sort(),
    );
    const call = record.ipcHandle.get(IPC_CALL_CHANNEL)!;
    const sender = Object.assign(new Recorder(), { id: 1, isDestroyed: () => false, send: vi.fn() });
    const from = (url: string | undefined) => ({ sender, senderFrame: url === undefined ? null : { url } });
    for (const url of ['https://example.org/', 'file:///tmp/index.html', undefined]) {
      expect(await call(from(url), 'app.info', {}), String(url)).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    const info = (await call(from(`${APP_SCHEME}://app/index.html`), 'app.info', {})) as IpcReply;
    expect(info.ok && Array.isArray((info.result as { recentProjects?: unknown }).recentProjects)).toBe(true);
    const unknown = (await call(from(`${APP_SCHEME}://app/index.html`), 'fs.readFile', {
      path: '/etc/passwd',
    })) as IpcReply;
    expect(unknown.ok).toBe(false);
    sender.fire('destroyed');
  });

  it('serves the renderer with the CSP, and nothing outside it', async () => {
    const handler = record.protocolHandlers.get(APP_SCHEME)!;
    const page = await handler(new Request(`${APP_SCHEME}://app/index.html`));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});

describe('the custom protocol (electron/shell/app-protocol.ts) serves only the built renderer', () => {
  const top = mkdtempSync(join(tmpdir(), 'tce-shell-protocol-'));
  const rendererDir = join(top, 'renderer');
  let handler: (request: Request) => Promise<Response>;
  const get = (path: string) => handler(new Request(`${APP_SCHEME}://app${path}`));

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>built renderer</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export const built = true;');
    writeFileSync(join(top, 'secret.txt'), 'outside the renderer');
    const { serveRenderer } = await import('../../electron/shell/app-protocol.js');
    record.protocolHandlers.delete(APP_SCHEME);
    serveRenderer(rendererDir);
    handler = record.protocolHandlers.get(APP_SCHEME)!;
  });

  afterAll(() => rmSync(top, { recursive: true, force: true }));

  it('serves the built files with their types', async () => {
    const script = await get('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe('export const built = true;');
    expect(await (await get('/index.html')).text()).toContain('built renderer');
  });

  it('refuses every way out of the renderer folder', async () => {
    for (const path of [
      '/..%2Fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/..%5Csecret.txt',
      `/${encodeURIComponent(join(top, 'secret.txt'))}`,
      '/%00index.html',
    ]) {
      const response = await get(path);
      const body = await response.text();
      expect(body, path).not.toContain('outside the renderer');
      expect(response.status, path).toBe(404);
    }
  });

  it('answers other hosts and missing files with 404', async () => {
    expect((await handler(new Request(`${APP_SCHEME}://other/index.html`))).status).toBe(404);
    expect((await get('/assets/missing.js')).status).toBe(404);
  });
});

describe('the preload (electron/shell/preload.cts) against recordingElectron, loaded as a sandboxed preload', () => {
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const rendererOn = new Recorder();
  const exposed = new Map<string, unknown>();
  const required: string[] = [];

  beforeAll(() => {
    // A sandboxed preload is CommonJS with a `require` that knows only `electron`: run it that way.
    const source = readFileSync(join(import.meta.dirname, '..', '..', 'electron', 'shell', 'preload.cts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
      ipcRenderer: {
        on: (channel: string, listener: Listener) => rendererOn.on(channel, listener),
        invoke: (...args: unknown[]) => {
          invoked.push(args);
          return Promise.resolve({ ok: true, result: 'recorded' });
        },
        send: (...args: unknown[]) => void sent.push(args),
      },
    };
    const require = (name: string): unknown => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot load '${name}'`);
      return electron;
    };
    const module = { exports: {} };
    runInNewContext(outputText, { require, module, exports: module.exports });
  });

  it('loads no module but electron and exposes exactly call and on', () => {
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect([...exposed.keys()]).toEqual([PRELOAD_GLOBAL]);
    expect(Object.keys(exposed.get(PRELOAD_GLOBAL)!).sort()).toEqual(['call', 'on']);
  });

  it('uses only the allowed channels: calls on the call channel, events from the event channel, acks on the ack channel', async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as PreloadApi;
    expect(await api.call('app.info', {})).toEqual({ ok: true, result: 'recorded' });
    expect(invoked).toEqual([[IPC_CALL_CHANNEL, 'app.info', {}]]);
    expect([...rendererOn.listeners.keys()]).toEqual([IPC_EVENT_CHANNEL]);

    const seen: unknown[] = [];
    const off = api.on('feed.batch', (payload) => seen.push(payload));
    rendererOn.fire(IPC_EVENT_CHANNEL, {}, 'feed.batch', [1]);
    rendererOn.fire(IPC_EVENT_CHANNEL, {}, 'log', { message: 'not for this listener' });
    off();
    rendererOn.fire(IPC_EVENT_CHANNEL, {}, 'feed.batch', [2]);
    expect(seen).toEqual([[1]]);
    expect(sent).toEqual([[IPC_FEED_ACK_CHANNEL], [IPC_FEED_ACK_CHANNEL]]);
    for (const [channel] of [...invoked, ...sent]) expect(ALLOWED_CHANNELS).toContain(channel);
  });
});

describe('electronBinary: where the shell (and test/e2e/electron.spec.ts) finds an Electron to run', () => {
  const top = mkdtempSync(join(tmpdir(), 'tce-shell-binary-'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));

  it('reads path.txt of the electron package, or ELECTRON_OVERRIDE_DIST_PATH, and needs the file to exist', async () => {
    const { electronBinary } = await import('../../electron/shell/electron-binary.js');
    const packageDir = join(top, 'node_modules', 'electron');
    mkdirSync(join(packageDir, 'dist'), { recursive: true });
    expect(electronBinary(top, {})).toBeUndefined();
    writeFileSync(join(packageDir, 'path.txt'), 'electron');
    expect(electronBinary(top, {})).toBeUndefined();
    writeFileSync(join(packageDir, 'dist', 'electron'), '');
    expect(electronBinary(top, {})).toBe(join(packageDir, 'dist', 'electron'));

    const unpacked = join(top, 'electron-v45');
    mkdirSync(unpacked);
    expect(electronBinary(top, { ELECTRON_OVERRIDE_DIST_PATH: unpacked })).toBeUndefined();
    writeFileSync(join(unpacked, 'electron'), '');
    expect(electronBinary(top, { ELECTRON_OVERRIDE_DIST_PATH: unpacked })).toBe(join(unpacked, 'electron'));
  });
});
