// tce-call as a user runs it (the built CLI in a child process) against the sample server, also
// a child process: every call mode over TCP and WebSocket, pushes, errors and exit codes, and
// calls published to the back end's queue on RabbitMQ.
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RABBIT_URL, RabbitAdmin, suffix } from '../../support/mq-kit.js';
import {
  CliProcess,
  ROOT,
  listeningUrls,
  requireBuilt,
  runCli,
  startSampleServerCli,
  suffixedClusterConfig,
} from '../../support/cli-kit.js';

const IDL = 'idl-samples/test.idl';
const TMP = join(ROOT, 'out', `tmp-tce-call-${process.pid}-${Date.now().toString(36)}`);
const tceCall = (...args: string[]) => runCli('tce-call', ['--idl', IDL, ...args]);
const PUSH_LINE = '{"push":"test.ITerminal.onMessage","args":{"message":"server push message!"},"extra":{}}';

beforeAll(() => requireBuilt('tce-call', 'tce-sample-server'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('against the sample server on sockets', () => {
  let server: CliProcess;
  const urls: Record<'tcp' | 'ws', string> = { tcp: '', ws: '' };

  beforeAll(async () => {
    const started = await startSampleServerCli(['--listen', 'tcp://127.0.0.1:0', '--listen', 'ws://127.0.0.1:0']);
    server = started.server;
    [urls.tcp, urls.ws] = listeningUrls(started.ready) as [string, string];
  });
  afterAll(async () => {
    await server.stop();
  });

  describe.each(['tcp', 'ws'] as const)('over %s', (transport) => {
    const target = () => urls[transport];

    it('echo with extra prints "Yah! hello" as JSON and exits 0; the server saw the extra', async () => {
      const r = await tceCall(
        '--target',
        target(),
        'test.Server.echo',
        '["hello"]',
        '--extra',
        'name=scott.bo',
        '--extra',
        'k=v=w',
      );
      expect(r).toMatchObject({ code: 0, stdout: '"Yah! hello"\n', stderr: '' });
      expect(
        await server.waitFor(
          new RegExp(`^echo\\("hello"\\) extra=\\{"name":"scott.bo","k":"v=w"\\} user=\\d+ from=${transport}://`),
        ),
      ).toBeTruthy();
    });

    it('async mode (0x41), arguments by name, and an inherited operation', async () => {
      expect(
        await tceCall('--target', target(), 'test.Server.echo', '{"text":"by name"}', '--mode', 'async'),
      ).toMatchObject({ code: 0, stdout: '"Yah! by name"\n' });
      expect(await server.waitFor(/^echo\("by name"\) async /)).toBeTruthy();
      const datetime = await tceCall('--target', target(), 'test.Server.datetime');
      expect(datetime.code).toBe(0);
      expect(new Date(JSON.parse(datetime.stdout) as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    });

    it('one-way (0x21): prints null, exits 0, the server serves it', async () => {
      const hello = `oneway-${transport}-${suffix()}`;
      expect(
        await tceCall('--target', target(), 'test.Server.heartbeat', JSON.stringify([hello]), '--mode', 'oneway'),
      ).toMatchObject({ code: 0, stdout: 'null\n', stderr: '' });
      expect(await server.waitFor(new RegExp(`^heartbeat\\("${hello}"\\) oneway `))).toBeTruthy();
    });

    it('void two-way prints null', async () => {
      expect(await tceCall('--target', target(), 'test.Server.heartbeat', '["hi"]')).toMatchObject({
        code: 0,
        stdout: 'null\n',
      });
    });

    it('timeout: error RPCERROR_TIMEOUT (2) on stderr, exit 1', async () => {
      const r = await tceCall('--target', target(), 'test.Server.timeout', '[2]', '--timeout', '300');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error RPCERROR_TIMEOUT \(2\): .*no reply within 300 ms\n$/);
    });

    it('bidirection with --wait-pushes prints the push as one JSON line, then the result', async () => {
      const r = await tceCall('--target', target(), 'test.Server.bidirection', '--wait-pushes', '1000');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([PUSH_LINE, 'null'].sort());
    });
  });

  it('usage errors exit 2 before anything is sent: unknown method or interface, one-way on a non-void operation, bad arguments', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['test.Server.nope'],
        /test\.Server has no operation 'nope' \(operations: echo, timeout, heartbeat, bidirection, datetime\)/,
      ],
      [
        ['test.Nobody.echo'],
        /no interface 'test\.Nobody' in the IDL \(interfaces: test\.BaseServer, test\.ITerminalGatewayServer, test\.Server, test\.ITerminal\)/,
      ],
      [
        ['test.Server.echo', '["x"]', '--mode', 'oneway'],
        /string test\.Server\.echo\(string text\) returns a value, which a one-way call never gets/,
      ],
      [
        ['test.Server.echo', '[5]'],
        /bad parameters for string test\.Server\.echo\(string text\): param text: expected string, got number/,
      ],
      [['test.Server.echo', '["a", "b"]'], /bad parameters for string test\.Server\.echo/],
      [['test.Server.echo', '[nope'], /the parameters are not JSON/],
      [['test.Server.echo', '"hello"'], /must be a JSON array or object/],
      [
        ['test.Server.echo', '["x"]', '--mode', 'sometimes'],
        /--mode must be one of twoway, oneway, async, not 'sometimes'/,
      ],
      [['test.Server.echo', '["x"]', '--timeout', 'soon'], /--timeout needs a whole number/],
      [['test.Server.echo', '["x"]', '--extra', 'novalue'], /--extra needs KEY=VALUE/],
    ];
    for (const [args, message] of cases) {
      const r = await tceCall('--target', urls.tcp, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const noTarget = await runCli('tce-call', ['--idl', IDL, 'test.Server.echo']);
    expect(noTarget).toMatchObject({ code: 2 });
    expect(noTarget.stderr).toMatch(/no target \(--target URL\)/);
    const badScheme = await tceCall('--target', 'http://127.0.0.1:1', 'test.Server.echo', '["x"]');
    expect(badScheme.code).toBe(2);
    expect(badScheme.stderr).toMatch(/--target must be tcp:\/\/host:port/);
  });

  it('failures exit 1: connection refused (102), an IDL with errors (file:line:col), services.xml InterfaceDef mismatch', async () => {
    const refused = await tceCall('--target', 'tcp://127.0.0.1:1', 'test.Server.echo', '["x"]');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error RPCERROR_CONNECT_FAILED \(102\): .*ECONNREFUSED/);
    mkdirSync(TMP, { recursive: true });
    const badIdl = join(TMP, 'bad.idl');
    writeFileSync(badIdl, 'module m {\n  interface I { void f(nosuchtype x); };\n};\n');
    const bad = await runCli('tce-call', ['--idl', badIdl, '--target', urls.tcp, 'm.I.f', '[1]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^${badIdl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: error: `, 'm'));
    const ifx = join(TMP, 'services.xml');
    writeFileSync(ifx, '<SNS><InterfaceDef><if id="5" name="test.Server"/></InterfaceDef></SNS>\n');
    const mismatch = await tceCall('--target', urls.tcp, 'test.Server.echo', '["x"]', '--ifx', ifx);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/error: /);
    // With the override the call goes out under ifidx 5, which the sample server does not serve: error 4.
    const overridden = await tceCall(
      '--target',
      urls.tcp,
      'test.Server.echo',
      '["x"]',
      '--ifx',
      ifx,
      '--ifx-mode',
      'override',
    );
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toMatch(/^idl-samples\/test\.idl:\d+:\d+: info: /);
    expect(overridden.stderr).toMatch(/^error RPCERROR_INTERFACE_NOTFOUND \(4\): /m);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await runCli('tce-call', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^usage: tce-call --idl FILES --target URL module\.Interface\.method \[ARGS\] \[options\]/,
    );
  });
});

describe('against the sample server on TLS and secure WebSocket', () => {
  const cert = 'test/support/test-cert.pem';
  const key = 'test/support/test-key.pem';
  let server: CliProcess;
  let urls: string[];

  beforeAll(async () => {
    const started = await startSampleServerCli([
      '--listen',
      'tls://127.0.0.1:0',
      '--listen',
      'wss://127.0.0.1:0',
      '--tls-key',
      key,
      '--tls-cert',
      cert,
    ]);
    server = started.server;
    urls = listeningUrls(started.ready);
    expect(urls.map((u) => u.split(':')[0])).toEqual(['tls', 'wss']);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("echo with the server's certificate as --ca, or with --insecure; refused without either", async () => {
    for (const url of urls) {
      expect(await tceCall('--target', url, 'test.Server.echo', '["hello"]', '--ca', cert)).toMatchObject({
        code: 0,
        stdout: '"Yah! hello"\n',
      });
      expect(await tceCall('--target', url, 'test.Server.echo', '["hello"]', '--insecure')).toMatchObject({
        code: 0,
        stdout: '"Yah! hello"\n',
      });
      const unverified = await tceCall('--target', url, 'test.Server.echo', '["hello"]');
      expect(unverified.code).toBe(1);
      expect(unverified.stderr).toMatch(/^error RPCERROR_CONNECT_FAILED \(102\): .*(self-signed|certificate)/i);
    }
  });
});

describe('against the sample server on RabbitMQ (amqp:// target, private reply queue)', () => {
  const id = suffix();
  let nodes: Record<string, string>;
  let server: CliProcess;
  let admin: RabbitAdmin;

  beforeAll(async () => {
    admin = await RabbitAdmin.open();
    const config = suffixedClusterConfig(TMP, id);
    nodes = config.nodes;
    server = (await startSampleServerCli(['--config', config.path, '--name', 'server', '--amqp', RABBIT_URL])).server;
  });
  afterAll(async () => {
    await server?.stop();
    await admin.remove(
      Object.values(nodes).filter((n) => !n.startsWith('mq_gateway_broadcast')),
      [nodes['mq_gateway_broadcast']!],
    );
    await admin.close();
  });

  const target = () => `${RABBIT_URL}/${nodes['mq_server']}`;

  it('echo published to the back end\'s queue gets "Yah! hello"; the RETURN came to a server-named reply queue', async () => {
    const r = await tceCall('--target', target(), 'test.Server.echo', '["hello"]', '--extra', 'name=scott.bo');
    expect(r).toMatchObject({ code: 0, stdout: '"Yah! hello"\n', stderr: '' });
    const line = await server.waitFor(/^echo\("hello"\) extra=/);
    expect(line).toMatch(
      /^echo\("hello"\) extra=\{"name":"scott\.bo","__mq_return__":"amq\.gen-[^"]+"\} user=- from=MQ endpoint mq_server$/,
    );
  });

  it('async, one-way and timeout over the queue', async () => {
    expect(await tceCall('--target', target(), 'test.Server.datetime', '--mode', 'async')).toMatchObject({ code: 0 });
    const hello = `mq-oneway-${suffix()}`;
    expect(
      await tceCall('--target', target(), 'test.Server.heartbeat', JSON.stringify([hello]), '--mode', 'oneway'),
    ).toMatchObject({ code: 0, stdout: 'null\n' });
    expect(await server.waitFor(new RegExp(`^heartbeat\\("${hello}"\\) oneway `))).toBeTruthy();
    const slow = await tceCall('--target', target(), 'test.Server.timeout', '[2]', '--timeout', '300');
    expect(slow.code).toBe(1);
    expect(slow.stderr).toMatch(/^error RPCERROR_TIMEOUT \(2\): .*no reply within 300 ms\n$/);
  });

  it('bidirection: the push comes to the private reply queue (there is no gateway here)', async () => {
    const r = await tceCall('--target', target(), 'test.Server.bidirection', '--wait-pushes', '500');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([PUSH_LINE, 'null'].sort());
    expect(r.stderr).toMatch(/note: over a queue only pushes sent to tce-call's own reply queue arrive/);
  });

  it('a queue that does not exist, or no queue in the URL: clear errors', async () => {
    const missing = await tceCall(
      '--target',
      `${RABBIT_URL}/tce-test-no-such-queue-${id}`,
      'test.Server.echo',
      '["x"]',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error RPCERROR_CONNECT_FAILED \(102\): cannot open writer for queue "tce-test-no-such-queue-[0-9a-f]+".*NOT_FOUND/,
    );
    const noQueue = await tceCall('--target', RABBIT_URL, 'test.Server.echo', '["x"]');
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toMatch(/names no queue: expected amqp:\/\/user:password@host:port\/<queue>/);
    const token = await tceCall('--target', target(), 'test.Server.echo', '["x"]', '--token', 't');
    expect(token.code).toBe(2);
  });
});
