// The built CLIs (dist/, from `npm run build`) as a user runs them: tce-gateway with the cluster
// example's services.xml and tce-sample-server in front of RabbitMQ, called with tce-call over
// TCP (gwserver) and WebSocket (gwserver_ws) in every call mode, pushes included.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, type Cluster } from './gateway-kit.js';
import { RABBIT_URL, RabbitAdmin } from '../../support/mq-kit.js';

const ROOT = join(import.meta.dirname, '..', '..');
const cli = (name: string): string => join(ROOT, 'dist', 'electron', 'cli', `${name}.js`);
const IDL = join(ROOT, 'idl-samples', 'cluster', 'test.idl');

interface Running {
  child: ChildProcess;
  /** The first line on stdout. */
  ready: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts a CLI and waits for its first stdout line (its ready line). */
async function start(name: string, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [cli(name), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      if (stdout.push(l) === 1) resolve(l);
    });
    void exited.then((code) =>
      reject(new Error(`${name} exited with ${code} before it was ready: ${stderr.join('\n')}`)),
    );
  });
  return { child, ready, stdout, stderr, exited };
}

/** Runs tce-call to its end. */
function tceCall(target: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli('tce-call'), '--idl', IDL, '--target', target, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const gatewaySync = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli('tce-gateway'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let admin: RabbitAdmin;
beforeAll(async () => {
  for (const name of ['tce-gateway', 'tce-sample-server', 'tce-call']) {
    if (!existsSync(cli(name))) throw new Error(`${cli(name)} is missing: run \`npm run build\` first`);
  }
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

describe('tce-gateway: bad input', () => {
  it('prints services.xml diagnostics as file:line:col and exits 1, never a stack trace', async () => {
    const c = cluster();
    try {
      const broken = join(c.dir, 'broken.xml');
      writeFileSync(
        broken,
        '<SNS>\n  <EndPoints>\n    <ep name="a" type="sockt" host="" port="x"/>\n  </EndPoints>\n</SNS>\n',
      );
      const r = gatewaySync(broken, 'gwserver');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${broken}:3:24: error: unknown endpoint type "sockt"`);
      expect(r.stderr).toMatch(/broken\.xml:3:\d+: error: port "x"/);
      writeFileSync(broken, '<SNS><EndPoints></SNS>');
      const malformed = gatewaySync(broken, 'gwserver');
      expect(malformed.code).toBe(1);
      expect(malformed.stderr).toMatch(/broken\.xml:1:\d+: error: /);
      for (const out of [r, malformed]) expect(out.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await c.remove(admin);
    }
  });

  it('names the servers there are for an unknown one; says so for a missing file; exits 2 on usage errors', async () => {
    const c = cluster();
    try {
      const unknown = gatewaySync(c.servicesXml, 'gwsrv');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no <server name="gwsrv">; the servers are: gwserver, gwserver_ws');
      const missing = gatewaySync(join(c.dir, 'nope.xml'), 'gwserver');
      expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read') });
      const usage = gatewaySync(c.servicesXml);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('expected <services.xml> <serverName>');
      const busy = gatewaySync(c.servicesXml, 'gwserver', '--listen', 'socket_gateway=tcp://256.1.1.1:1');
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/socket_gateway: cannot listen on tcp:\/\/256\.1\.1\.1:1/);
      expect(busy.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await c.remove(admin);
    }
  });
});

describe('done when: tce-gateway + tce-sample-server serve tce-call over TCP and WebSocket', () => {
  let c: Cluster;
  const processes: Running[] = [];
  const targets: Record<string, string> = {};

  beforeAll(async () => {
    c = cluster();
    const backEnd = await start('tce-sample-server', [
      '--config',
      c.configYml,
      '--name',
      'server',
      '--amqp',
      RABBIT_URL,
      '--broadcast',
    ]);
    processes.push(backEnd);
    for (const server of ['gwserver', 'gwserver_ws']) {
      const gw = await start('tce-gateway', [c.servicesXml, server, '--amqp', RABBIT_URL]);
      processes.push(gw);
      const m =
        /^tce-gateway (\S+): listening on ((?:tcp|ws):\/\/127\.0\.0\.1:\d+\/?); mq: amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672 \((mq_gateway(?:_ws)?), mq_gateway_broadcast\)$/.exec(
          gw.ready,
        );
      expect(m, gw.ready).not.toBeNull();
      expect(m![1]).toBe(server);
      targets[server] = m![2]!;
    }
  });

  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await c.remove(admin);
  });

  for (const server of ['gwserver', 'gwserver_ws']) {
    describe(server, () => {
      it('two-way with extra, async and one-way calls', async () => {
        const target = targets[server]!;
        const [twoway, async, oneway, datetime] = await Promise.all([
          tceCall(target, 'test.Server.echo', '["hello"]', '--extra', 'name=scott.bo'),
          tceCall(target, 'test.Server.echo', '["async"]', '--mode', 'async'),
          tceCall(target, 'test.Server.heartbeat', '["hi"]', '--mode', 'oneway'),
          tceCall(target, 'test.BaseServer.datetime'),
        ]);
        expect(twoway).toMatchObject({ code: 0, stdout: '"Yah! hello"\n' });
        expect(async).toMatchObject({ code: 0, stdout: '"Yah! async"\n' });
        expect(oneway).toMatchObject({ code: 0, stdout: 'null\n' });
        expect(datetime.code).toBe(0);
        expect(JSON.parse(datetime.stdout)).toMatch(/^\d{4}-\d\d-\d\dT/);
        const backEnd = processes[0]!.stdout.join('\n');
        expect(backEnd).toMatch(
          /echo\("hello"\) extra=\{"name":"scott\.bo","__user_id__":"\d+","__mq_return__":"mq_gateway(_ws)?"\}/,
        );
        expect(backEnd).toMatch(/heartbeat\("hi"\) oneway/);
      });

      it('a timeout, and the push of bidirection() (directly and over the broadcast topic)', async () => {
        const target = targets[server]!;
        const [late, pushes, ping] = await Promise.all([
          tceCall(target, 'test.Server.timeout', '[2]', '--timeout', '300'),
          tceCall(target, 'test.Server.bidirection', '--wait-pushes', '1000'),
          tceCall(target, 'test.ITerminalGatewayServer.ping'),
        ]);
        expect(late.code).toBe(1);
        expect(late.stderr).toMatch(/error RPCERROR_TIMEOUT \(2\)/);
        expect(pushes.code).toBe(0);
        const lines = pushes.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown);
        expect(lines).toContainEqual(null);
        expect(lines).toContainEqual(
          expect.objectContaining({ push: 'test.ITerminal.onMessage', args: { message: 'server push message!' } }),
        );
        expect(lines).toContainEqual(
          expect.objectContaining({
            push: 'test.ITerminal.onMessage',
            args: { message: 'server push message! (broadcast)' },
          }),
        );
        expect(ping).toMatchObject({ code: 0, stdout: 'null\n' });
      });
    });
  }

  it('SIGTERM shuts a gateway down gracefully', async () => {
    const gw = processes[1]!;
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    expect(gw.stderr.join('\n')).toContain('SIGTERM: shutting down');
  });
});
