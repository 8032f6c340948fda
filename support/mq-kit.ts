// Shared by the broker tests: a raw amqplib admin connection, message collectors, polling.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import type { MqAddress, MqReader } from '../shared/rpc/connection.js';
import { rpcMessage, type RpcMessage } from '../shared/wire/message.js';

export const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';

export const suffix = (): string => randomBytes(4).toString('hex');

export function queueAddress(name: string, create: MqAddress['create'] = 'always'): MqAddress {
  return { name, type: 'queue', durable: true, create, subject: '' };
}

export function topicAddress(name: string, create: MqAddress['create'] = 'always'): MqAddress {
  return { name, type: 'topic', durable: true, create, subject: '' };
}

/** A numbered test message: the number is the sequence and also travels in extra and params. */
export function numbered(n: number): RpcMessage {
  return rpcMessage({
    sequence: n,
    ifidx: 7,
    opidx: 2,
    extra: { n: String(n) },
    params: new Uint8Array([n & 0xff, (n >> 8) & 0xff, 0xab]),
  });
}

export interface Collector {
  readonly messages: RpcMessage[];
  readonly raws: Uint8Array[];
  sequences(): number[];
  /** Resolves once `count` messages have arrived; rejects after timeoutMs with what did arrive. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

export function collect(reader: MqReader): Collector {
  const c: Collector = {
    messages: [],
    raws: [],
    sequences: () => c.messages.map((m) => m.sequence),
    waitFor: (count, timeoutMs = 10_000) =>
      until(
        () => c.messages.length >= count,
        timeoutMs,
        () => `expected ${count} message(s), got ${c.messages.length}`,
      ),
  };
  reader.listen((message, raw) => {
    c.messages.push(message);
    c.raws.push(raw);
  });
  return c;
}

export async function until(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await sleep(10);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A plain amqplib connection for what the broker under test must not do itself: raw publishes, cleanup. */
export class RabbitAdmin {
  private model: ChannelModel | null = null;
  private channel: Channel | null = null;

  static async open(): Promise<RabbitAdmin> {
    const admin = new RabbitAdmin();
    await admin.live();
    return admin;
  }

  /** The admin connection, reopened if a broker restart closed it. */
  private async live(): Promise<{ model: ChannelModel; channel: Channel }> {
    if (!this.model || !this.channel) {
      const model = await connect(RABBIT_URL, {
        noDelay: true,
        clientProperties: { connection_name: 'tce-test-admin' },
      });
      const channel = await model.createChannel();
      const lost = () => {
        if (this.model === model) this.model = this.channel = null;
      };
      model.on('error', lost);
      model.on('close', lost);
      channel.on('error', lost);
      channel.on('close', lost);
      this.model = model;
      this.channel = channel;
    }
    return { model: this.model, channel: this.channel };
  }

  async publishRaw(address: MqAddress, body: Uint8Array): Promise<void> {
    const { channel } = await this.live();
    const content = Buffer.from(body);
    if (address.type === 'queue') channel.sendToQueue(address.name, content);
    else channel.publish(address.name, address.subject, content);
  }

  /** Takes one message off a queue (acknowledged), with its AMQP delivery mode: 2 = persistent. */
  async take(name: string): Promise<{ deliveryMode: number | undefined } | undefined> {
    const message = await (await this.live()).channel.get(name, { noAck: true });
    return message ? { deliveryMode: message.properties.deliveryMode as number | undefined } : undefined;
  }

  async queueDepth(name: string): Promise<number> {
    return (await (await this.live()).channel.checkQueue(name)).messageCount;
  }

  /** Deletes queues and exchanges; a missing one closes the channel, so each gets a fresh channel. */
  async remove(queues: string[], exchanges: string[]): Promise<void> {
    const { model } = await this.live();
    for (const [kind, name] of [
      ...queues.map((q) => ['queue', q] as const),
      ...exchanges.map((e) => ['exchange', e] as const),
    ]) {
      const ch = await model.createChannel();
      ch.on('error', () => undefined);
      await (kind === 'queue' ? ch.deleteQueue(name) : ch.deleteExchange(name)).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.model?.close().catch(() => undefined);
  }
}

const run = promisify(execFile);

/** rabbitmqctl with a timeout; returns stdout. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 60_000 });
  return stdout;
}

/** Closes (from the broker side) every connection whose connection_name is `name`; returns how many. */
export async function closeConnectionsNamed(name: string): Promise<number> {
  // JSON shows client properties but prints pids in a form close_connection rejects; the table has usable pids.
  const json = await rabbitmqctl('list_connections', 'name', 'client_properties', '--formatter', 'json', '--quiet');
  const rows = JSON.parse(json) as { name: string; client_properties: [string, string, unknown][] }[];
  const wanted = new Set(
    rows
      .filter((r) => r.client_properties.some(([key, , value]) => key === 'connection_name' && value === name))
      .map((r) => r.name),
  );
  const table = await rabbitmqctl('list_connections', 'pid', 'name', '--quiet');
  const pids = table
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([pid, connection]) => pid?.startsWith('<') && wanted.has(connection ?? ''))
    .map(([pid]) => pid!);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'test: forced close');
  return pids.length;
}
