// At-least-once delivery of CALLs to back ends (docs/delivery.md) on the sandbox's in-memory
// broker, which must behave as RabbitMQ does (test/integration/faults-*.test.ts runs the same
// failures on RabbitMQ with real processes).
import { describe, expect, it } from 'vitest';
import { createMemoryBroker, type MemoryBroker } from '../../electron/transports/memory.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import type { MqAddress } from '../../shared/rpc/connection.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { MqAdapter } from '../../shared/rpc/mq-adapter.js';
import { MqCallTarget } from '../../shared/rpc/mq-call-target.js';
import { MqReplies } from '../../shared/rpc/mq-replies.js';
import { MqWriters } from '../../shared/rpc/mq-writers.js';
import { OperationTable } from '../../shared/rpc/servant.js';
import { ByteReader } from '../../shared/wire/bytes.js';

const queue = (name: string): MqAddress => ({ name, type: 'queue', durable: true, create: 'always', subject: '' });
const REQUESTS = queue('jobs');
const REPLIES = queue('job_replies');

/** A back end of one operation (ifidx 7, opidx 0) answering its name, or never answering (`hang`). */
async function backEnd(broker: MemoryBroker, name: string, options: { hang?: boolean; ackOnReceipt?: boolean } = {}) {
  const served: number[] = [];
  const table = new OperationTable();
  table.add(
    7,
    0,
    'jobs.run',
    (_params, ctx, out) => {
      served.push(ctx.message.sequence);
      if (options.hang) return new Promise<void>(() => undefined);
      out.string(name);
      return undefined;
    },
    { returnsValue: true },
  );
  const writers = new MqWriters([[REPLIES.name, await broker.openWriter(REPLIES)]]);
  const adapter = new MqAdapter({ adapter: new Adapter().add(table), writers, ackOnReceipt: options.ackOnReceipt });
  adapter.serve(await broker.openReader(REQUESTS), REQUESTS.name);
  return { served, adapter };
}

async function caller(broker: MemoryBroker) {
  const replies = new MqReplies(broker, await broker.openReader(REPLIES), { endpoint: REPLIES.name });
  const target = new MqCallTarget(await broker.openWriter(REQUESTS), replies);
  return async (timeout: number): Promise<string> => {
    const reply = await target.call({
      ifidx: 7,
      opidx: 0,
      paramsize: 0,
      params: new Uint8Array(0),
      mode: 'twoway',
      timeout,
    });
    return new ByteReader(reply.params).string();
  };
}

describe('CALLs through the in-memory broker', () => {
  it('a back end that stops with a call in hand leaves it to another: the call is answered', async () => {
    const broker = createMemoryBroker({ log: () => undefined });
    const call = await caller(broker);
    const dying = await backEnd(broker, 'dying', { hang: true });
    const answer = call(10_000);
    await expect.poll(() => dying.served.length === 1).toBe(true);
    const survivor = await backEnd(broker, 'survivor');
    await dying.adapter.close(); // its call was never answered, so never acknowledged
    await expect(answer).resolves.toBe('survivor');
    expect(survivor.served).toEqual(dying.served);
  });

  it("with ackOnReceipt (the original's way) the same call is lost: the caller times out", async () => {
    const broker = createMemoryBroker({ log: () => undefined });
    const call = await caller(broker);
    const dying = await backEnd(broker, 'dying', { hang: true, ackOnReceipt: true });
    const answer = call(2_500).catch((e: unknown) => e);
    await expect.poll(() => dying.served.length === 1).toBe(true);
    const survivor = await backEnd(broker, 'survivor');
    await dying.adapter.close();
    const error = await answer;
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(ErrorCode.TIMEOUT);
    expect(survivor.served).toEqual([]);
  });

  it('acknowledges a call once its RETURN is taken: nothing is served twice when all goes well', async () => {
    const broker = createMemoryBroker({ log: () => undefined });
    const call = await caller(broker);
    const one = await backEnd(broker, 'one');
    const two = await backEnd(broker, 'two');
    const answers = await Promise.all(Array.from({ length: 200 }, () => call(10_000)));
    expect(answers.filter((a) => a === 'one').length + answers.filter((a) => a === 'two').length).toBe(200);
    await one.adapter.close();
    await two.adapter.close();
    expect(one.served.length + two.served.length).toBe(200);
    expect(broker.stats().find((s) => s.name === REQUESTS.name)).toMatchObject({ depth: 0 });
  });
});
