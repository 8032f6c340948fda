// The console host API over the browser-mode bridge, against the sandbox (in-memory broker and
// RabbitMQ): the cluster example opened, compiled, called in every mode, pushes, the feed.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterCopy } from '../../support/cluster-copy.js';
import { ConsoleError } from '../../shared/console-api/api.js';
import type { ConnectionInfo, FeedBatch } from '../../shared/console-api/types.js';
import {
  clusterProject,
  path,
  sleep,
  startConsole,
  startSandboxConsole,
  succeeded,
  waitForEntries,
  type Console,
  type SandboxConsole,
} from './host-kit.js';
import { RABBIT_URL } from '../../support/mq-kit.js';

const ok = succeeded;

/** The path of a client's call through the sandbox and back, as the feed shows it. */
const CALL_PATH = [
  'console out',
  'gateway in',
  'queue out',
  'server in',
  'server out',
  'queue in',
  'gateway out',
  'console in',
];

describe.each(['memory', 'amqp'] as const)('console host over the bridge, sandbox on %s', (broker) => {
  let project: ClusterCopy;
  let c: SandboxConsole;
  let connection: ConnectionInfo;

  beforeAll(async () => {
    c = await startSandboxConsole(broker);
    project = c.project;
    connection = await c.bridge.call('connection.open', { target: { kind: 'endpoint', endpoint: 'socket_gateway' } });
  });

  afterAll(async () => {
    await c?.close();
  });

  it('opens the cluster project: four interfaces, ids checked against services.xml, no problems', async () => {
    const snapshot = await c.bridge.call('project.current', {});
    expect(snapshot?.root).toBe(project.dir);
    expect(Object.fromEntries(Object.values(snapshot!.model.interfaces).map((i) => [i.qname, i.index]))).toEqual({
      'test.BaseServer': 0,
      'test.ITerminalGatewayServer': 1,
      'test.Server': 2,
      'test.ITerminal': 3,
    });
    expect(snapshot!.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(snapshot!.files.idl).toEqual([join(project.dir, 'test.idl')]);
    expect((await c.bridge.call('project.compile', {})).diagnostics).toEqual([]);
  });

  it('compiles unsaved editor text and places its errors at file:line:col', async () => {
    const idl = join(project.dir, 'test.idl');
    const text = readFileSync(idl, 'utf8').replace('string echo(string text);', 'string echo(strin text);');
    const { diagnostics } = await c.bridge.call('project.compile', { overrides: [{ path: 'test.idl', text }] });
    const line = text.split('\n').findIndex((l) => l.includes('strin text')) + 1;
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', range: { file: idl, start: { line } } });
    expect(diagnostics[0]!.range.start.column).toBe(text.split('\n')[line - 1]!.indexOf('strin text') + 1);
  });

  it('runs the sandbox on the broker asked for, and says which', async () => {
    const state = await c.bridge.call('sandbox.state', {});
    expect(state.state).toBe('running');
    if (state.state !== 'running') return;
    expect(state.broker.kind).toBe(broker);
    expect(state.broker.description).toMatch(
      broker === 'amqp' ? /RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672/ : /in-memory/,
    );
    expect(state.gateways.map((g) => g.server).sort()).toEqual(['gwserver', 'gwserver_ws']);
    expect(state.mode).toBe('full');
    expect(state.backEnds).toEqual([
      { name: 'server', reads: ['mq_server'], serves: ['test.BaseServer', 'test.Server'] },
    ]);
    expect(connection.state).toEqual({ state: 'open' });
    expect(connection.pushInterfaces).toContain('test.ITerminal');
  });

  it('invokes echo with extra name=scott.bo two-way and async, and follows each call through every hop', async () => {
    for (const mode of ['twoway', 'async'] as const) {
      const result = ok(
        await c.bridge.call('invoke', {
          connectionId: connection.id,
          interface: 'test.Server',
          method: 'echo',
          args: ['hello'],
          mode,
          extra: { name: 'scott.bo' },
        }),
      );
      expect(result.value).toBe('Yah! hello');
      expect(result.sequence).toBeGreaterThan(0);
      expect(result.requestSize).toBeGreaterThan(21);
      expect(result.responseSize).toBeGreaterThan(21);
      const [sent] = await waitForEntries(c.bridge, {
        hop: 'console',
        direction: 'out',
        method: 'echo',
        text: `call:${result.sequence}:`,
      });
      const hops = await waitUntilRelated(c, sent!.id, CALL_PATH.length);
      expect(path(hops)).toEqual(CALL_PATH);
      expect(new Set(hops.map((e) => e.correlation)).size).toBe(1);
      expect(
        hops.every((e) => e.sequence === result.sequence && e.interface === 'test.Server' && e.method === 'echo'),
      ).toBe(true);
      expect(hops.filter((e) => e.kind === 'call').every((e) => e.extra['name'] === 'scott.bo')).toBe(true);
      const atServer = hops.find((e) => e.hop === 'server' && e.direction === 'in')!;
      expect(atServer.callId & 0x8000).toBe(0x8000);
      expect(atServer.calltype).toBe(mode === 'async' ? 0x41 : 0x01);
      expect(await c.bridge.call('feed.decode', { id: atServer.id })).toEqual({
        ok: true,
        interface: 'test.Server',
        method: 'echo',
        kind: 'params',
        value: { text: 'hello' },
      });
      const back = hops[hops.length - 1]!;
      expect(back.latencyMs).toBeGreaterThanOrEqual(0);
      expect(await c.bridge.call('feed.decode', { id: back.id })).toMatchObject({
        ok: true,
        kind: 'result',
        value: 'Yah! hello',
      });
    }
  });

  it('sends one-way calls of void operations, and refuses one-way for operations that return a value', async () => {
    const sent = ok(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'heartbeat',
        args: { hello: 'hi' },
        mode: 'oneway',
        extra: { name: 'scott.bo' },
      }),
    );
    expect(sent.value).toBeNull();
    expect(sent.responseSize).toBe(0);
    const [atServer] = await waitForEntries(c.bridge, {
      hop: 'server',
      method: 'heartbeat',
      text: `call:${sent.sequence}:`,
    });
    expect(atServer!.kind).toBe('oneway');

    const before = (await c.bridge.call('feed.stats', {})).lastId;
    const refused = await c.bridge.call('invoke', {
      connectionId: connection.id,
      interface: 'test.Server',
      method: 'echo',
      args: ['hello'],
      mode: 'oneway',
    });
    expect(refused).toMatchObject({ ok: false, error: { codeName: 'RPCERROR_SENDFAILED' } });
    expect(refused.ok ? '' : refused.error.reason).toMatch(/returns a value.*cannot be called one-way/);
    expect(refused.ok ? 0 : refused.sequence).toBeUndefined();
    await sleep(50);
    expect((await c.bridge.call('feed.stats', {})).lastId).toBe(before);
  });

  it('receives the push bidirection() triggers, decoded, at the console hop', async () => {
    ok(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'bidirection',
        args: [],
        mode: 'twoway',
      }),
    );
    const [push] = await waitForEntries(c.bridge, {
      hop: 'console',
      direction: 'in',
      interface: 'test.ITerminal',
      method: 'onMessage',
    });
    expect(push!.push).toBe(true);
    expect(push!.kind).toBe('oneway');
    expect(await c.bridge.call('feed.decode', { id: push!.id })).toEqual({
      ok: true,
      interface: 'test.ITerminal',
      method: 'onMessage',
      kind: 'params',
      value: { message: 'server push message!' },
    });
    const hops = await waitUntilRelated(c, push!.id, 4);
    expect(path(hops)).toEqual(['server out', 'queue in', 'gateway out', 'console in']);
    expect(hops.every((e) => e.push)).toBe(true);
  });

  it('reports a call that outlives its timeout as RPCERROR_TIMEOUT, with the sequence it was sent with', async () => {
    const result = await c.bridge.call('invoke', {
      connectionId: connection.id,
      interface: 'test.Server',
      method: 'timeout',
      args: { secs: 1 },
      mode: 'twoway',
      timeoutMs: 200,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 2, codeName: 'RPCERROR_TIMEOUT' } });
    expect(result.ok ? 0 : result.sequence).toBeGreaterThan(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(190);
    expect(result.latencyMs).toBeLessThan(1000);
  });

  it('answers calls many at a time', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.bridge.call('invoke', {
          connectionId: connection.id,
          interface: 'test.Server',
          method: 'echo',
          args: [`n${i}`],
          mode: 'async',
        }),
      ),
    );
    expect(results.map((r) => ok(r).value)).toEqual(Array.from({ length: 50 }, (_, i) => `Yah! n${i}`));
    expect(new Set(results.map((r) => ok(r).sequence)).size).toBe(50);
  });

  it('delivers feed batches to a subscriber, and loses nothing across pause and resume', async () => {
    const batches: FeedBatch[] = [];
    const stop = c.bridge.on('feed.batch', (b) => batches.push(b));
    const start = (await c.bridge.call('feed.stats', {})).lastId ?? 0;
    await c.bridge.call('feed.subscribe', { afterId: start });
    ok(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'echo',
        args: ['one'],
        mode: 'twoway',
      }),
    );
    await expect.poll(() => ids(batches).length >= CALL_PATH.length).toBe(true);

    expect((await c.bridge.call('feed.pause', {})).paused).toBe(true);
    const seen = ids(batches).length;
    for (let i = 0; i < 5; i++)
      ok(
        await c.bridge.call('invoke', {
          connectionId: connection.id,
          interface: 'test.Server',
          method: 'echo',
          args: [`p${i}`],
          mode: 'twoway',
        }),
      );
    await sleep(150);
    expect(ids(batches).length).toBe(seen);
    await c.bridge.call('feed.resume', {});
    const last = (await c.bridge.call('feed.stats', {})).lastId!;
    await expect.poll(() => ids(batches).at(-1) === last).toBe(true);
    expect(ids(batches)).toEqual(Array.from({ length: last - start }, (_, i) => start + 1 + i));
    expect(batches.reduce((n, b) => n + b.dropped, 0)).toBe(0);
    stop();
    await c.bridge.call('feed.unsubscribe', {});
  });

  it('exports a selection as NDJSON that imports back to the same entries', async () => {
    const { ndjson, count } = await c.bridge.call('feed.export', { filter: { method: 'echo', hop: 'server' } });
    expect(count).toBeGreaterThan(2);
    expect(ndjson.trimEnd().split('\n')).toHaveLength(count);
    await c.bridge.call('feed.clear', {});
    expect((await c.bridge.call('feed.stats', {})).size).toBe(0);
    expect(await c.bridge.call('feed.import', { ndjson })).toEqual({ count });
    const again = await c.bridge.call('feed.export', {});
    const withoutIds = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => ({ ...(JSON.parse(l) as object), id: 0 }));
    expect(withoutIds(again.ndjson)).toEqual(withoutIds(ndjson));
    const [first] = (await c.bridge.call('feed.query', { limit: 1 })).entries;
    expect(await c.bridge.call('feed.decode', { id: first!.id })).toMatchObject({ ok: true, method: 'echo' });
    await expect(c.bridge.call('feed.import', { ndjson: '{"hop":"moon"}\n' })).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/line 1/),
    });
  });

  // Last: it restarts the sandbox, whose gateways then listen on new ports.
  it('after a sandbox restart, a call to a gateway endpoint reaches the new gateway (the old connection closed with the old sandbox)', async () => {
    const target = { kind: 'endpoint', endpoint: 'socket_gateway' } as const;
    expect(
      ok(
        await c.bridge.call('invoke', {
          target,
          interface: 'test.Server',
          method: 'echo',
          args: ['before'],
          mode: 'twoway',
        }),
      ).value,
    ).toBe('Yah! before');
    await c.bridge.call('sandbox.stop', {});
    expect((await c.bridge.call('connection.list', {})).map((l) => l.id)).not.toContain(connection.id);
    const state = await c.bridge.call(
      'sandbox.start',
      broker === 'amqp' ? { broker: 'amqp', amqpUrl: RABBIT_URL } : { broker: 'memory' },
    );
    expect(state.state).toBe('running');
    expect(
      ok(
        await c.bridge.call('invoke', {
          target,
          interface: 'test.Server',
          method: 'echo',
          args: ['after'],
          mode: 'twoway',
          timeoutMs: 5_000,
        }),
      ).value,
    ).toBe('Yah! after');
  });
});

describe('console host over the bridge: a gateway with userid_check', () => {
  let project: ClusterCopy;
  let c: Console;

  beforeAll(async () => {
    project = clusterProject({ useridCheck: true });
    c = await startConsole();
    await c.bridge.call('project.open', { path: project.dir });
    await c.bridge.call('sandbox.start', { broker: 'memory' });
  });

  afterAll(async () => {
    await c?.close();
    project?.removeFiles();
  });

  it('sends the token with the first message, and the token is the user at every hop', async () => {
    const connection = await c.bridge.call('connection.open', {
      target: { kind: 'endpoint', endpoint: 'socket_gateway' },
      token: 'alice',
    });
    const result = ok(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'echo',
        args: ['hello'],
        mode: 'twoway',
      }),
    );
    expect(result.value).toBe('Yah! hello');
    const [sent] = await waitForEntries(c.bridge, { hop: 'console', direction: 'out', method: 'echo' });
    expect(sent!.extra['__token__']).toBe('alice');
    const hops = await waitUntilRelated(c, sent!.id, CALL_PATH.length);
    expect(path(hops)).toEqual(CALL_PATH);
    expect(hops.every((e) => e.userId === 'alice')).toBe(true);
    expect(sent!.correlation).toBe(`call:${result.sequence}:alice@gwserver`);
  });
});

describe('console host over the bridge: the feed under pressure', () => {
  let c: SandboxConsole;
  let connection: ConnectionInfo;

  beforeAll(async () => {
    c = await startSandboxConsole('memory', { feed: { capacity: 100 } });
    connection = await c.bridge.call('connection.open', { target: { kind: 'endpoint', endpoint: 'socket_gateway' } });
  });

  afterAll(async () => {
    await c?.close();
  });

  it('keeps the newest entries when full and counts what it evicted', async () => {
    await c.bridge.call('feed.clear', {});
    const first = ((await c.bridge.call('feed.stats', {})).lastId ?? 0) + 1;
    for (let i = 0; i < 30; i++)
      ok(
        await c.bridge.call('invoke', {
          connectionId: connection.id,
          interface: 'test.Server',
          method: 'echo',
          args: ['x'],
          mode: 'twoway',
        }),
      );
    await expect
      .poll(async () => (await c.bridge.call('feed.stats', {})).lastId === first + 30 * CALL_PATH.length - 1)
      .toBe(true);
    const stats = await c.bridge.call('feed.stats', {});
    expect(stats).toMatchObject({
      capacity: 100,
      size: 100,
      evicted: 30 * CALL_PATH.length - 100,
      firstId: first + 30 * CALL_PATH.length - 100,
    });
  });

  it('gives a subscriber that cannot keep up "dropped" markers, while calls go on unhindered', async () => {
    const batches: FeedBatch[] = [];
    c.bridge.on('feed.batch', (b) => batches.push(b));
    const start = (await c.bridge.call('feed.stats', {})).lastId!;
    await c.bridge.call('feed.subscribe', { afterId: start });
    // Stop reading the socket: the host's send buffer fills with the large entries below.
    c.bridge.holdReading(true);
    const big = 'y'.repeat(48 * 1024);
    const calls = 40;
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: calls }, () =>
        c.host.run('invoke', {
          connectionId: connection.id,
          interface: 'test.Server',
          method: 'echo',
          args: [big],
          mode: 'async',
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    await expect
      .poll(async () => (await c.host.run('feed.stats', {})).lastId === start + calls * CALL_PATH.length)
      .toBe(true);
    await sleep(300);
    c.bridge.holdReading(false);
    const total = calls * CALL_PATH.length;
    await expect
      .poll(() => ids(batches).length + batches.reduce((n, b) => n + b.dropped, 0) >= total, { timeout: 10_000 })
      .toBe(true);
    const dropped = batches.reduce((n, b) => n + b.dropped, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(ids(batches).length + dropped).toBe(total);
    expect(batches.some((b) => b.dropped > 0)).toBe(true);
    expect((await c.bridge.call('feed.stats', {})).droppedForSubscriber).toBe(dropped);
    // What was delivered is in order and ends with the newest entry.
    expect(ids(batches)).toEqual([...ids(batches)].sort((a, b) => a - b));
    expect(ids(batches).at(-1)).toBe(start + total);
  });
});

describe('console host over the bridge: files, workspace, security', () => {
  let project: ClusterCopy;
  let c: Console;

  beforeAll(async () => {
    project = clusterProject();
    c = await startConsole();
    await c.bridge.call('project.open', { path: join(project.dir, 'services.xml') });
  });

  afterAll(async () => {
    await c?.close();
    project?.removeFiles();
  });

  it('refuses to save over a file changed on disk since it was read, and keeps both texts', async () => {
    const idl = join(project.dir, 'test.idl');
    const opened = await c.bridge.call('file.read', { path: 'test.idl' });
    expect(opened.path).toBe(idl);
    const changes: { path: string; version: string }[] = [];
    c.bridge.on('file.changed', (change) => changes.push(change));
    const theirs = `${opened.text}\n// changed by someone else\n`;
    writeFileSync(idl, theirs);
    const mine = opened.text.replace(
      'void heartbeat(string hello);',
      'void heartbeat(string hello);\n\t\tvoid ping2();',
    );
    const error = await c.bridge
      .call('file.write', { path: 'test.idl', text: mine, baseVersion: opened.version })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleError);
    expect(error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/changed on disk since you opened it.*not saved/),
    });
    expect(readFileSync(idl, 'utf8')).toBe(theirs);
    await expect.poll(() => changes.some((ch) => ch.path === idl)).toBe(true);

    const current = await c.bridge.call('file.read', { path: 'test.idl' });
    const revision = (await c.bridge.call('project.current', {}))!.revision;
    const changed = new Promise<number>((resolve) => c.bridge.on('project.changed', (s) => resolve(s.revision)));
    const saved = await c.bridge.call('file.write', { path: 'test.idl', text: mine, baseVersion: current.version });
    expect(readFileSync(idl, 'utf8')).toBe(mine);
    expect(saved.version).not.toBe(current.version);
    expect(await changed).toBeGreaterThan(revision);
    expect(
      Object.keys(
        (await c.bridge.call('project.current', {}))!.model.interfaces['test.Server']!.operations.map((o) => o.name),
      ),
    ).toHaveLength(5);
    await expect(
      c.bridge.call('file.write', { path: 'new.idl', text: 'module x {};', baseVersion: null }),
    ).resolves.toMatchObject({ path: join(project.dir, 'new.idl') });
    await expect(
      c.bridge.call('file.write', { path: 'new.idl', text: 'module y {};', baseVersion: null }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(c.bridge.call('file.read', { path: '../../etc/passwd' })).rejects.toMatchObject({
      code: 'invalid-params',
    });
  });

  it('keeps saved calls as one plain JSON file each, and secrets outside the project', async () => {
    const call = {
      name: 'echo hello',
      interface: 'test.Server',
      method: 'echo',
      mode: 'twoway' as const,
      args: ['hello'],
      extra: { name: 'scott.bo' },
    };
    expect(await c.bridge.call('workspace.saveCall', { call })).toEqual([call]);
    const file = readFileSync(join(project.dir, '.tce-console', 'saved-calls', 'echo hello.json'), 'utf8');
    expect(file).toBe(
      `${JSON.stringify({ args: ['hello'], extra: { name: 'scott.bo' }, interface: 'test.Server', method: 'echo', mode: 'twoway', name: 'echo hello' }, null, 2)}\n`,
    );
    await expect(c.bridge.call('workspace.saveCall', { call: { ...call, name: '../escape' } })).rejects.toMatchObject({
      code: 'invalid-params',
    });
    expect(await c.bridge.call('workspace.deleteCall', { name: 'echo hello' })).toEqual([]);

    const env = { name: 'local', variables: { host: '127.0.0.1' }, extraDefaults: { name: 'scott.bo' } };
    expect(
      await c.bridge.call('workspace.setEnvironments', { environments: [env], activeEnvironment: 'local' }),
    ).toEqual({ environments: [env], activeEnvironment: 'local' });
    expect(await c.bridge.call('workspace.state', {})).toEqual({ environments: [env], activeEnvironment: 'local' });

    await c.bridge.call('workspace.setSecret', { name: 'token', value: 's3cret' });
    const secrets = join(c.configDir, 'secrets.json');
    expect(JSON.parse(readFileSync(secrets, 'utf8'))).toEqual({ [project.dir]: { token: 's3cret' } });
    const { statSync } = await import('node:fs');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(readFileSync(join(project.dir, '.tce-console', 'environments.json'), 'utf8'))).not.toContain(
      's3cret',
    );
  });

  it('rejects calls with invalid params or unknown methods before the host acts', async () => {
    await expect(
      c.bridge.call('invoke', { interface: 'test.Server', method: 'echo', args: [], mode: 'twoway' }),
    ).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringMatching(/connectionId or target/) });
    await expect(
      c.bridge.call('invoke', {
        connectionId: 'c1',
        interface: 'test.Server',
        method: 'echo',
        args: [],
        mode: 'sideways' as 'twoway',
      }),
    ).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/params\.mode: expected one of/),
    });
    await expect(c.bridge.call('feed.query', { limit: 10, colour: 'red' } as never)).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/unknown field "colour"/),
    });
    await expect(c.bridge.call('no.such.method' as 'app.info', {})).rejects.toMatchObject({ code: 'unknown-method' });
    await expect(
      c.bridge.call('invoke', {
        target: { kind: 'url', url: 'tcp://127.0.0.1:9' },
        interface: 'test.Nope',
        method: 'x',
        args: [],
        mode: 'twoway',
      }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports a target nobody listens on: an io error on connect, error 102 from invoke', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `tcp://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(c.bridge.call('connection.open', { target: { kind: 'url', url } })).rejects.toMatchObject({
      code: 'io',
      message: expect.stringMatching(/cannot connect to tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/),
    });
    const result = await c.bridge.call('invoke', {
      target: { kind: 'url', url },
      interface: 'test.Server',
      method: 'echo',
      args: ['x'],
      mode: 'twoway',
      timeoutMs: 2000,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 102, codeName: 'RPCERROR_CONNECT_FAILED' } });
    await expect(
      c.bridge.call('connection.open', { target: { kind: 'url', url: 'http://127.0.0.1:1' } }),
    ).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringMatching(/unknown scheme http/) });
  });

  it('requires the per-launch token on HTTP and on the WebSocket', async () => {
    const base = `http://127.0.0.1:${c.web.port}/`;
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
    const page = await fetch(c.web.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}assets/x.js`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${base}assets/x.js`)).status).toBe(401);
    const api = `ws://127.0.0.1:${c.web.port}/api`;
    const { connectWebBridge } = await import('../../electron/web/client.js');
    await expect(connectWebBridge(api)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connectWebBridge(`${api}?token=wrong`)).rejects.toMatchObject({ code: 'unauthorized' });
    const other = await connectWebBridge(c.web.apiUrl);
    expect((await other.call('app.info', {})).mode).toBe('web');
    await other.close();
  });

  it('refuses pages of other sites, even with the token: a foreign Origin or Host', async () => {
    const { default: WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(c.web.apiUrl, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
    const { request } = await import('node:http');
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(c.web.url, { headers: { host: `evil.example:${c.web.port}` } }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(401);
  });

  it('says plainly that a gateway port is taken, and leaves nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const busy = clusterProject();
    try {
      const xml = join(busy.dir, 'services.xml');
      writeFileSync(xml, readFileSync(xml, 'utf8').replace(/(name="socket_gateway"[^>]*port=")0"/, `$1${port}"`));
      await c.bridge.call('project.open', { path: busy.dir });
      const state = await c.bridge.call('sandbox.start', { broker: 'memory' });
      expect(state).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(new RegExp(`gwserver.*127\\.0\\.0\\.1:${port}.*port is taken`)),
      });
      expect(await c.bridge.call('sandbox.state', {})).toEqual(state);
      expect((await c.bridge.call('sandbox.start', { broker: 'memory' })).state).toBe('failed');
    } finally {
      blocker.close();
      busy.removeFiles();
    }
  });
});

function ids(batches: FeedBatch[]): number[] {
  return batches.flatMap((b) => b.entries.map((e) => e.id));
}

async function waitUntilRelated(c: Console, id: number, count: number) {
  let related = await c.bridge.call('feed.related', { id });
  const deadline = Date.now() + 5_000;
  while (related.length < count && Date.now() < deadline) {
    await sleep(20);
    related = await c.bridge.call('feed.related', { id });
  }
  return related;
}

describe('console host over the bridge: the folder chooser', () => {
  it('asks the platform chooser the host was given (Electron), and says there is none otherwise (browser)', async () => {
    const asked: string[] = [];
    const withChooser = await startConsole({
      pickFolder: () => {
        asked.push('pick');
        return Promise.resolve('/home/me/cluster');
      },
    });
    const browser = await startConsole();
    try {
      expect(await withChooser.bridge.call('project.pickFolder', {})).toEqual({
        supported: true,
        path: '/home/me/cluster',
      });
      expect(asked).toEqual(['pick']);
      expect(await browser.bridge.call('project.pickFolder', {})).toEqual({ supported: false, path: null });
    } finally {
      await withChooser.close();
      await browser.close();
    }
  });
});
