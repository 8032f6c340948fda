// The console's boundary over the browser-mode bridge: project paths stay inside the project
// folder (symbolic links followed), the sandbox listens on loopback unless told otherwise, and a
// project.open that fails leaves the open project, its sandbox and connections as they were.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import { clusterProject, startConsole, succeeded, type Console } from './host-kit.js';

const SHOP_IDL = `module shop {
  struct Item { string id; int price; sequence<string> tags; };
  interface Catalog { sequence<Item> list(); dictionary<string, int> stock(); };
  interface Store extends Catalog { void buy(string id, int count); };
};
`;
const SECRET_IDL = 'module secret { interface Leak { void take(); }; };\n';

/** A folder with a project and, beside it, a folder the project must never reach. */
function makeFolders() {
  const base = mkdtempSync(join(tmpdir(), 'tce-boundary-'));
  const root = join(base, 'project');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'lib'), { recursive: true });
  mkdirSync(outside);
  const put = (path: string, text: string): string => {
    writeFileSync(path, text);
    return path;
  };
  put(join(root, 'shop.idl'), SHOP_IDL);
  put(join(root, 'lib', 'real.idl'), 'module lib { interface Ledger { int total(); }; };\n');
  put(join(outside, 'secret.idl'), SECRET_IDL);
  put(join(outside, 'base.idl'), SECRET_IDL);
  put(join(outside, 'hostname.txt'), 'not-for-the-console\n');
  return { base, root, outside, put, remove: () => rmSync(base, { recursive: true, force: true }) };
}

const messages = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => `${d.range.file}: ${d.message}`);

describe('console boundary: project paths stay inside the project folder', () => {
  let c: Console;
  let f: ReturnType<typeof makeFolders>;

  beforeAll(async () => {
    c = await startConsole();
  });
  afterAll(async () => {
    await c?.close();
  });
  beforeEach(() => {
    f = makeFolders();
  });
  afterEach(() => f.remove());

  it('follows symbolic links inside the project and refuses every read that leads outside it', async () => {
    symlinkSync(join(f.outside, 'secret.idl'), join(f.root, 'leak.idl'));
    symlinkSync(f.outside, join(f.root, 'out'));
    symlinkSync(join(f.root, 'lib', 'real.idl'), join(f.root, 'alias.idl'));
    symlinkSync(join(f.root, 'lib'), join(f.root, 'libs'));
    const snapshot = await c.bridge.call('project.open', { path: f.root });

    // The folder's *.idl: the link that leads outside is not read, and says why.
    expect(Object.keys(snapshot.model.interfaces).sort()).toEqual(['lib.Ledger', 'shop.Catalog', 'shop.Store']);
    expect(snapshot.files.idl).not.toContain(join(f.root, 'leak.idl'));
    expect(messages(snapshot.diagnostics)).toContainEqual(
      expect.stringMatching(/leak\.idl: .*leak\.idl leads to .*outside\/secret\.idl, outside the project folder/),
    );

    const refused = { code: 'invalid-params', message: expect.stringMatching(/outside the project folder/) };
    await expect(c.bridge.call('file.read', { path: 'leak.idl' })).rejects.toMatchObject(refused);
    await expect(c.bridge.call('file.read', { path: 'out/hostname.txt' })).rejects.toMatchObject(refused);
    await expect(c.bridge.call('file.read', { path: join(f.root, 'out', 'hostname.txt') })).rejects.toMatchObject(
      refused,
    );
    await expect(c.bridge.call('file.read', { path: '../outside/hostname.txt' })).rejects.toMatchObject(refused);
    await expect(c.bridge.call('file.read', { path: join(f.outside, 'hostname.txt') })).rejects.toMatchObject(refused);
    await expect(
      c.bridge.call('project.compile', { overrides: [{ path: 'out/secret.idl', text: SECRET_IDL }] }),
    ).rejects.toMatchObject(refused);

    // Links that stay inside are followed: the file keeps the name it was asked by.
    const alias = await c.bridge.call('file.read', { path: 'alias.idl' });
    expect(alias).toMatchObject({ path: join(f.root, 'alias.idl'), text: expect.stringContaining('interface Ledger') });
    expect((await c.bridge.call('file.read', { path: 'libs/real.idl' })).text).toBe(alias.text);
  });

  it('refuses every write that leads outside, and writes nothing there', async () => {
    symlinkSync(join(f.outside, 'secret.idl'), join(f.root, 'leak.idl'));
    symlinkSync(f.outside, join(f.root, 'out'));
    await c.bridge.call('project.open', { path: f.root });
    const refused = { code: 'invalid-params', message: expect.stringMatching(/outside the project folder/) };
    const before = readdirSync(f.outside).sort();
    await expect(
      c.bridge.call('file.write', { path: 'out/new.idl', text: 'module x {};', baseVersion: null }),
    ).rejects.toMatchObject(refused);
    await expect(
      c.bridge.call('file.write', { path: 'out/deeper/new.idl', text: 'module x {};', baseVersion: null }),
    ).rejects.toMatchObject(refused);
    await expect(
      c.bridge.call('file.write', { path: join(f.outside, 'new.idl'), text: 'module x {};', baseVersion: null }),
    ).rejects.toMatchObject(refused);
    const { createHash } = await import('node:crypto');
    const version = createHash('sha256').update(SECRET_IDL).digest('hex').slice(0, 20);
    await expect(
      c.bridge.call('file.write', { path: 'leak.idl', text: 'module owned {};', baseVersion: version }),
    ).rejects.toMatchObject(refused);
    expect(readdirSync(f.outside).sort()).toEqual(before);
    expect(readFileSync(join(f.outside, 'secret.idl'), 'utf8')).toBe(SECRET_IDL);
    expect(lstatSync(join(f.root, 'leak.idl')).isSymbolicLink()).toBe(true);
    // A new file in a folder that does not exist yet, inside: allowed.
    await expect(
      c.bridge.call('file.write', { path: 'more/new.idl', text: 'module more {};', baseVersion: null }),
    ).resolves.toMatchObject({ path: join(f.root, 'more', 'new.idl') });
  });

  it('does not read files a tce-project.json or an import names outside the project', async () => {
    symlinkSync(join(f.outside, 'base.idl'), join(f.root, 'base.idl'));
    f.put(join(f.root, 'uses-base.idl'), 'import base\nmodule user { interface U { void f(); }; };\n');
    f.put(
      join(f.root, 'tce-project.json'),
      JSON.stringify({ idl: ['shop.idl', 'uses-base.idl', '../outside/secret.idl', join(f.outside, 'hostname.txt')] }),
    );
    const snapshot = await c.bridge.call('project.open', { path: join(f.root, 'tce-project.json') });
    expect(Object.keys(snapshot.model.interfaces).sort()).toEqual(['shop.Catalog', 'shop.Store', 'user.U']);
    expect(snapshot.files.idl.sort()).toEqual([join(f.root, 'shop.idl'), join(f.root, 'uses-base.idl')]);
    const said = messages(snapshot.diagnostics);
    expect(said).toContainEqual(
      expect.stringMatching(/tce-project\.json: .*outside\/secret\.idl is outside the project folder/),
    );
    expect(said).toContainEqual(
      expect.stringMatching(/tce-project\.json: .*outside\/hostname\.txt is outside the project folder/),
    );
    expect(said).toContainEqual(
      expect.stringMatching(
        /uses-base\.idl: cannot find imported file 'base'.*base\.idl leads to .*outside\/base\.idl, outside the project folder/,
      ),
    );
    // Named by the project file or not, a file outside is not the console's to read.
    await expect(c.bridge.call('file.read', { path: join(f.outside, 'secret.idl') })).rejects.toMatchObject({
      code: 'invalid-params',
    });
  });

  it('keeps the workspace inside the project: a .tce-console linked elsewhere is refused', async () => {
    const elsewhere = join(f.outside, 'ws');
    mkdirSync(join(elsewhere, 'saved-calls'), { recursive: true });
    f.put(
      join(elsewhere, 'environments.json'),
      JSON.stringify({ environments: [{ name: 'stolen', variables: {}, extraDefaults: {} }] }),
    );
    symlinkSync(elsewhere, join(f.root, '.tce-console'));
    await c.bridge.call('project.open', { path: f.root });
    const refused = {
      code: 'invalid-params',
      message: expect.stringMatching(/\.tce-console.* outside the project folder/),
    };
    await expect(c.bridge.call('workspace.state', {})).rejects.toMatchObject(refused);
    await expect(c.bridge.call('workspace.savedCalls', {})).rejects.toMatchObject(refused);
    const call = { name: 'buy one', interface: 'shop.Store', method: 'buy', mode: 'oneway' as const, args: ['a', 1] };
    await expect(c.bridge.call('workspace.saveCall', { call })).rejects.toMatchObject(refused);
    await expect(c.bridge.call('workspace.setEnvironments', { environments: [] })).rejects.toMatchObject(refused);
    expect(readdirSync(join(elsewhere, 'saved-calls'))).toEqual([]);
    expect(existsSync(join(elsewhere, '.gitignore'))).toBe(false);
  });

  it('opens a project through a symbolic link to its folder, and still refuses what leads outside', async () => {
    symlinkSync(join(f.outside, 'secret.idl'), join(f.root, 'leak.idl'));
    const link = join(f.base, 'project-link');
    symlinkSync(f.root, link);
    const snapshot = await c.bridge.call('project.open', { path: link });
    expect(snapshot.root).toBe(link);
    expect((await c.bridge.call('file.read', { path: 'shop.idl' })).text).toBe(SHOP_IDL);
    await expect(c.bridge.call('file.read', { path: 'leak.idl' })).rejects.toMatchObject({ code: 'invalid-params' });
  });
});

describe('console boundary: the browser mode tells a refused token from a lost connection', () => {
  it("answers the token check 204 for this launch's token and 401 for any other, never by cookie", async () => {
    const c = await startConsole();
    try {
      const check = `http://127.0.0.1:${c.web.port}/api/token`;
      expect((await fetch(`${check}?token=${c.web.token}`)).status).toBe(204);
      expect((await fetch(`${check}?token=stale`)).status).toBe(401);
      expect((await fetch(check)).status).toBe(401);
      const cookie = (await fetch(c.web.url)).headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(check, { headers: { cookie } })).status).toBe(401);
      const { request } = await import('node:http');
      const rebound = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${check}?token=${c.web.token}`,
          { headers: { host: `evil.example:${c.web.port}` } },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on('error', reject);
        req.end();
      });
      expect(rebound).toBe(401);
    } finally {
      await c.close();
    }
  });
});

describe('console boundary: a failed project.open changes nothing', () => {
  it('keeps the open project, its sandbox and its connections', async () => {
    const project = clusterProject();
    const c = await startConsole();
    const empty = mkdtempSync(join(tmpdir(), 'tce-boundary-empty-'));
    try {
      const opened = await c.bridge.call('project.open', { path: project.dir });
      expect((await c.bridge.call('sandbox.start', { broker: 'memory' })).state).toBe('running');
      const connection = await c.bridge.call('connection.open', {
        target: { kind: 'endpoint', endpoint: 'socket_gateway' },
      });
      const echo = () =>
        c.bridge.call('invoke', {
          connectionId: connection.id,
          interface: 'test.Server',
          method: 'echo',
          args: ['still here'],
          mode: 'twoway',
          timeoutMs: 5_000,
        });
      expect(succeeded(await echo()).value).toBe('Yah! still here');
      const closed: string[] = [];
      c.bridge.on('project.closed', ({ root }) => closed.push(root));
      const sandboxEvents: string[] = [];
      c.bridge.on('sandbox.state', (s) => sandboxEvents.push(s.state));

      await expect(c.bridge.call('project.open', { path: join(empty, 'missing') })).rejects.toMatchObject({
        code: 'not-found',
      });
      await expect(c.bridge.call('project.open', { path: empty })).rejects.toMatchObject({ code: 'not-found' });
      writeFileSync(join(empty, 'notes.txt'), '');
      await expect(c.bridge.call('project.open', { path: join(empty, 'notes.txt') })).rejects.toMatchObject({
        code: 'invalid-params',
      });

      const current = await c.bridge.call('project.current', {});
      expect(current).toMatchObject({ root: opened.root, revision: opened.revision });
      expect(await c.bridge.call('sandbox.state', {})).toMatchObject({ state: 'running' });
      expect(await c.bridge.call('connection.list', {})).toEqual([
        expect.objectContaining({ id: connection.id, state: { state: 'open' } }),
      ]);
      expect(succeeded(await echo()).value).toBe('Yah! still here');
      expect(closed).toEqual([]);
      expect(sandboxEvents).toEqual([]);
    } finally {
      await c.close();
      project.removeFiles();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/** Addresses listening on `port` (TCP, IPv4 and IPv6), from /proc/net: what the kernel says, not what the gateway reports. */
function listeningOn(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue;
      const [hex, portHex] = local.split(':');
      if (parseInt(portHex!, 16) !== port) continue;
      found.push(
        hex!.length === 8
          ? hex!
              .match(/../g)!
              .reverse()
              .map((b) => parseInt(b, 16))
              .join('.')
          : ipv6(hex!),
      );
    }
  }
  return found.sort();
}

function ipv6(hex: string): string {
  // Four little-endian 32-bit words.
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => parseInt(g, 16).toString(16));
  const text = groups.join(':');
  return text === '0:0:0:0:0:0:0:0' ? '::' : text === '0:0:0:0:0:0:0:1' ? '::1' : text;
}

/** A services.xml of our own: one gateway listening on a socket endpoint with no host and a WebSocket one on 0.0.0.0. */
function unboundProject(tls = '') {
  const dir = mkdtempSync(join(tmpdir(), 'tce-boundary-bind-'));
  writeFileSync(join(dir, 'shop.idl'), SHOP_IDL);
  writeFileSync(
    join(dir, 'services.xml'),
    `<?xml version="1.0" encoding="utf-8"?>
<SNS>
  <InterfaceDef>
    <if id="0" name="shop.Catalog"/>
    <if id="1" name="shop.Store"/>
  </InterfaceDef>
  <EndPoints>
    <ep name="shop_tcp" address="" type="socket" host="" port="0" ${tls || 'keyfile="" certfile=""'}/>
    <ep name="shop_ws" address="" type="websocket" host="0.0.0.0" port="0" keyfile="" certfile=""/>
    <ep name="mq_shop" address="shop-${process.pid}-${Date.now()};{create:always,node:{type:queue,durable:false}}" type="qpid" host="127.0.0.1" port="5672"/>
    <ep name="mq_shop_back" address="shop-back-${process.pid}-${Date.now()};{create:always,node:{type:queue,durable:false}}" type="qpid" host="127.0.0.1" port="5672"/>
  </EndPoints>
  <servers>
    <server name="shopgw" type="socket server">
      <route if="shop.Store">
        <call in="shop_tcp" out="mq_shop"/>
        <call in="shop_ws" out="mq_shop"/>
        <return in="mq_shop_back" out="shop_tcp"/>
      </route>
      <properties>
        <property name="listen" value="shop_tcp,shop_ws,mq_shop_back"/>
        <property name="loopback" value="mq_shop#mq_shop_back"/>
      </properties>
    </server>
  </servers>
</SNS>
`,
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('console boundary: the sandbox listens on loopback', () => {
  let c: Console;
  let project: ReturnType<typeof unboundProject>;
  beforeAll(async () => {
    c = await startConsole();
    project = unboundProject();
    await c.bridge.call('project.open', { path: project.dir });
  });
  afterAll(async () => {
    await c?.close();
    project?.remove();
  });

  const ports = (state: Awaited<ReturnType<Console['bridge']['call']>>): number[] => {
    const s = state as { state: string; gateways?: { listen: string[] }[] };
    if (s.state !== 'running') throw new Error(`sandbox: ${JSON.stringify(state)}`);
    return s.gateways!.flatMap((g) => g.listen.map((u) => Number(new URL(u).port)));
  };

  it('binds 127.0.0.1 for an endpoint with no host, or a non-loopback one, unless sandbox.start names the address', async () => {
    const logged: string[] = [];
    c.bridge.on('log', ({ message }) => logged.push(message));
    const state = await c.bridge.call('sandbox.start', { broker: 'memory' });
    const listening = ports(state);
    expect(listening).toHaveLength(2);
    for (const port of listening) expect(listeningOn(port)).toEqual(['127.0.0.1']);
    expect(state).toMatchObject({
      gateways: [
        {
          server: 'shopgw',
          listen: [
            expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/),
            expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/?$/),
          ],
        },
      ],
    });
    expect(logged).toContainEqual(
      expect.stringMatching(/shop_ws: services\.xml says host "0\.0\.0\.0"; the sandbox listens on 127\.0\.0\.1/),
    );
    await c.bridge.call('sandbox.stop', {});

    // The user's explicit choice is honoured.
    const chosen = await c.bridge.call('sandbox.start', { broker: 'memory', listenHost: '0.0.0.0' });
    for (const port of ports(chosen)) expect(listeningOn(port)).toEqual(['0.0.0.0']);
    await c.bridge.call('sandbox.stop', {});
  });

  it('does not start a gateway whose TLS key or certificate leads outside the project', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tce-boundary-keys-'));
    const tls = unboundProject('keyfile="keys/key.pem" certfile="keys/cert.pem"');
    try {
      copyFileSync(new URL('../support/test-key.pem', import.meta.url), join(outside, 'key.pem'));
      copyFileSync(new URL('../support/test-cert.pem', import.meta.url), join(outside, 'cert.pem'));
      symlinkSync(outside, join(tls.dir, 'keys'));
      await c.bridge.call('project.open', { path: tls.dir });
      await expect(c.bridge.call('sandbox.start', { broker: 'memory' })).rejects.toMatchObject({
        code: 'invalid-params',
        message: expect.stringMatching(/keys\/key\.pem leads to .*key\.pem, outside the project folder/),
      });
      expect(await c.bridge.call('sandbox.state', {})).toMatchObject({ state: 'stopped' });
      // The same files inside the project: the gateway starts with TLS.
      rmSync(join(tls.dir, 'keys'));
      mkdirSync(join(tls.dir, 'keys'));
      for (const name of ['key.pem', 'cert.pem']) copyFileSync(join(outside, name), join(tls.dir, 'keys', name));
      expect(await c.bridge.call('sandbox.start', { broker: 'memory' })).toMatchObject({
        state: 'running',
        gateways: [{ listen: [expect.stringMatching(/^tls:\/\/127\.0\.0\.1:/), expect.anything()] }],
      });
      await c.bridge.call('sandbox.stop', {});
    } finally {
      await c.bridge.call('project.open', { path: project.dir });
      tls.remove();
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
