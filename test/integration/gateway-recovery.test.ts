// The gateway when RabbitMQ goes away: restarted under load, or unreachable from the start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { client, cluster, gateway, startBackEnd, urlOf } from './gateway-kit.js';
import { RabbitAdmin, rabbitmqctl, sleep, until } from '../../support/mq-kit.js';

let admin: RabbitAdmin;
beforeAll(async () => {
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

describe('gateway and broker failures', () => {
  it('RabbitMQ restarted under load: the gateway reconnects by itself and calls succeed after recovery', async () => {
    const c = cluster();
    const logs: string[] = [];
    const backEnd = await startBackEnd(c);
    const gw = await gateway(c, 'gwserver', {
      log: (_level, line) => logs.push(line),
      amqp: { reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 } },
    });
    const cl = client(urlOf(gw));
    const outcomes = { ok: 0, failed: new Map<number, number>() };
    let loading = true;
    const load = (async () => {
      for (let i = 0; loading; i++) {
        try {
          await cl.server.echo(`n${i}`, { timeout: 2_000 });
          outcomes.ok++;
        } catch (error) {
          const code = (error as RpcError).code;
          outcomes.failed.set(code, (outcomes.failed.get(code) ?? 0) + 1);
          await sleep(20);
        }
      }
    })();
    try {
      await until(
        () => outcomes.ok >= 20,
        10_000,
        () => 'calls before the restart',
      );
      try {
        await rabbitmqctl('stop_app');
        await sleep(1_000);
      } finally {
        await rabbitmqctl('start_app');
        await rabbitmqctl('await_startup');
      }
      const before = outcomes.ok;
      await until(
        () => outcomes.ok >= before + 20,
        30_000,
        () => `calls after the restart (ok ${outcomes.ok}, failed ${JSON.stringify([...outcomes.failed])})`,
      );
      // While the broker was down the gateway answered at once (1 SENDFAILED) or the calls timed out (2).
      expect([...outcomes.failed.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(
        [...outcomes.failed.keys()].every((code) => code === ErrorCode.SENDFAILED || code === ErrorCode.TIMEOUT),
      ).toBe(true);
      expect(gw.counters().connectionsOpen).toBe(1);
      expect(logs.join('\n')).toMatch(/connection re-established/);
    } finally {
      loading = false;
      await load;
      await cl.close();
      await gw.close();
      await backEnd.close();
      await c.remove(admin);
    }
  });

  it('RabbitMQ unreachable at start: the gateway serves sockets, says why, and fails forwarded calls at once', async () => {
    const c = cluster();
    const logs: string[] = [];
    const gw = await gateway(c, 'gwserver', {
      amqpUrl: 'amqp://guest:guest@127.0.0.1:1',
      log: (_level, line) => logs.push(line),
    });
    const cl = client(urlOf(gw));
    try {
      expect(gw.broker).toBeUndefined();
      expect(logs.join('\n')).toMatch(/cannot reach RabbitMQ at 127\.0\.0\.1:1: ECONNREFUSED; retrying in 0\.5 s/);
      const started = Date.now();
      const error = await cl.server.echo('anyone?', { timeout: 5_000 }).catch((e: unknown) => e);
      expect((error as RpcError).code).toBe(ErrorCode.SENDFAILED);
      expect(Date.now() - started).toBeLessThan(1_000);
      // The gateway's own servant needs no broker.
      await expect(
        cl.rpc.call({ ifidx: 1, opidx: 0, paramsize: 0, params: new Uint8Array(0), mode: 'twoway' }),
      ).resolves.toMatchObject({ errcode: 0 });
      await until(
        () => logs.filter((l) => l.includes('cannot reach RabbitMQ')).length >= 2,
        5_000,
        () => 'a second attempt',
      );
    } finally {
      await cl.close();
      await gw.close();
      await c.remove(admin);
    }
  });
});
