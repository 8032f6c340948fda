// Connecting to RabbitMQ: clear errors when it cannot be reached or refuses us, the URL in logs
// without its password, and writers that push back instead of growing without bound.
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectAmqp } from '../../electron/transports/amqp.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { RABBIT_URL, RabbitAdmin, numbered, queueAddress, sleep, suffix, until } from '../../support/mq-kit.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectAmqp', () => {
  it('says which host it cannot reach and why', async () => {
    const port = await closedPort();
    const error = await connectAmqp(`amqp://guest:secret@127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(ErrorCode.CONNECT_UNREACHABLE);
    expect((error as RpcError).message).toBe(`cannot reach RabbitMQ at 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('times out against a peer that accepts but never speaks AMQP', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(connectAmqp(`amqp://127.0.0.1:${port}`, { connectTimeoutMs: 300 })).rejects.toThrow(
        `cannot reach RabbitMQ at 127.0.0.1:${port}: connect ETIMEDOUT`,
      );
    } finally {
      server.close();
    }
  });

  it('reports a refused login as a rejection, without the password', async () => {
    const error = await connectAmqp('amqp://guest:wrong-password@127.0.0.1:5672').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(ErrorCode.CONNECT_REJECT);
    expect((error as RpcError).message).toMatch(
      /^RabbitMQ at 127\.0\.0\.1:5672 refused the connection: .*ACCESS_REFUSED/,
    );
    expect((error as RpcError).message).not.toContain('wrong-password');
  });

  it('reports an unknown vhost as a rejection', async () => {
    await expect(connectAmqp(`${RABBIT_URL}/no-such-vhost-${suffix()}`)).rejects.toThrow(
      /refused the connection: .*(NOT_ALLOWED|vhost)/,
    );
  });

  it('rejects a malformed URL before connecting', async () => {
    await expect(connectAmqp('http://guest:secret@127.0.0.1:5672')).rejects.toThrow(
      'protocol must be amqp or amqps, not http',
    );
  });

  it('describes itself without the password and reports open', async () => {
    const broker = await connectAmqp(RABBIT_URL, { connectionName: 'tce-test-connect' });
    try {
      expect(broker.kind).toBe('amqp');
      expect(broker.description).toBe('amqp://guest@127.0.0.1:5672');
      expect(broker.state).toEqual({ state: 'open' });
    } finally {
      await broker.close();
    }
    expect(broker.state).toEqual({ state: 'closed', reason: 'closed by the application' });
  });

  it("batches its writes per event-loop turn: the patch of amqplib's socket took effect", async () => {
    const lines: string[] = [];
    const broker = await connectAmqp(RABBIT_URL, {
      connectionName: 'tce-test-write-batching',
      log: (_level, line) => lines.push(line),
    });
    try {
      expect(broker.writesBatched).toBe(true);
      expect(lines.filter((l) => l.includes('not batched'))).toEqual([]);
    } finally {
      await broker.close();
    }
  });
});

describe('AMQP writer backpressure', () => {
  it('buffers up to its limit while the channel is backed up, then refuses; everything accepted arrives', async () => {
    const admin = await RabbitAdmin.open();
    const broker = await connectAmqp(RABBIT_URL, { connectionName: 'tce-test-backpressure', maxBufferedMessages: 500 });
    const address = queueAddress(`tce-test-bp-${suffix()}`);
    try {
      const writer = await broker.openWriter(address);
      let accepted = 0;
      let refused = 0;
      // One synchronous burst: the socket cannot drain in between.
      for (let i = 0; i < 20_000; i++) {
        if (writer.send(numbered(i))) accepted++;
        else refused++;
      }
      expect(refused).toBeGreaterThan(0);
      expect(accepted).toBeGreaterThan(500);
      expect(accepted).toBeLessThan(20_000);

      // After 'drain' the buffer empties onto the wire and the writer takes messages again.
      await until(
        () => writer.send(numbered(0)),
        10_000,
        () => 'the writer never accepted again',
      );
      accepted++;
      let depth = 0;
      for (const deadline = Date.now() + 10_000; depth !== accepted && Date.now() < deadline; await sleep(50)) {
        depth = await admin.queueDepth(address.name);
      }
      expect(depth).toBe(accepted);
    } finally {
      await broker.close();
      await admin.remove([address.name], []);
      await admin.close();
    }
  });
});

describe('AMQP persistence', () => {
  it('publishes persistent messages to a durable queue, transient ones elsewhere, each confirmed', async () => {
    const admin = await RabbitAdmin.open();
    const broker = await connectAmqp(RABBIT_URL, { connectionName: 'tce-test-persistence' });
    const durable = queueAddress(`tce-test-durable-${suffix()}`);
    const transient = { ...queueAddress(`tce-test-transient-${suffix()}`), durable: false };
    try {
      const confirmed: boolean[] = [];
      const note = (outcome: { ok: boolean }): void => void confirmed.push(outcome.ok);
      expect((await broker.openWriter(durable)).send(numbered(1), note)).toBe(true);
      expect((await broker.openWriter(transient)).send(numbered(2), note)).toBe(true);
      expect((await broker.openDirectWriter()).send(durable.name, numbered(3), note)).toBe(true);
      await until(
        () => confirmed.length === 3,
        10_000,
        () => `${confirmed.length} confirms`,
      );
      expect(confirmed).toEqual([true, true, true]);
      expect(await admin.take(durable.name)).toEqual({ deliveryMode: 2 });
      expect(await admin.take(transient.name)).toEqual({ deliveryMode: 1 });
      // The direct writer cannot know whether the queue it is told is durable (replies to private queues).
      expect(await admin.take(durable.name)).toEqual({ deliveryMode: 1 });
    } finally {
      await broker.close();
      await admin.remove([durable.name, transient.name], []);
      await admin.close();
    }
  });
});

describe('AMQP close', () => {
  it('acknowledges everything a reader took before the connection goes: nothing is redelivered', async () => {
    const admin = await RabbitAdmin.open();
    const address = queueAddress(`tce-test-close-${suffix()}`);
    try {
      for (let round = 0; round < 3; round++) {
        const broker = await connectAmqp(RABBIT_URL, { connectionName: 'tce-test-close' });
        const writer = await broker.openWriter(address);
        const reader = await broker.openReader(address);
        let got = 0;
        let closed: Promise<void> | undefined;
        // Closed from inside the last delivery: its ack has not left the process yet.
        reader.listen(() => void (++got === 2000 && (closed = broker.close())));
        for (let i = 0; i < 2000; i++) writer.send(numbered(i));
        await until(
          () => closed !== undefined,
          10_000,
          () => `got ${got}`,
        );
        await closed;
        expect(got).toBe(2000);
        expect(await admin.queueDepth(address.name)).toBe(0);
      }
    } finally {
      await admin.remove([address.name], []);
      await admin.close();
    }
  });
});
