import type { Adapter } from './adapter.js';
import type { Broker, MqAddress, MqReader, MqWriter } from './connection.js';
import { MqAdapter } from './mq-adapter.js';
import { MqWriters } from './mq-writers.js';
import type { Log } from '../log.js';

/** A back end's MQ endpoints (config.yml AF_READ / AF_WRITE, spec §7.2), by name. */
export interface MqBackEndEndpoints {
  read: readonly { name: string; address: MqAddress }[];
  write: readonly { name: string; address: MqAddress }[];
}

export interface ServeQueuesOptions {
  /** The caller owns it: closing the adapter leaves it open. */
  broker: Broker;
  endpoints: MqBackEndEndpoints;
  adapter: Adapter;
  log?: Log;
  /** Acknowledge CALLs on receipt, as the original; default: once answered (see MqAdapterOptions). */
  ackOnReceipt?: boolean;
}

/**
 * Serves an Adapter's servants on a back end's queues (spec §3.4): opens every write endpoint
 * (RETURNs go to the one named by a CALL's `__mq_return__`, pushes leave there; a name no
 * endpoint has is written to the queue of that name), then consumes every read endpoint.
 * `adapter.close()` stops consuming.
 */
export async function serveQueues(options: ServeQueuesOptions): Promise<MqAdapter> {
  const { broker, endpoints } = options;
  const log = options.log ?? (() => {});
  if (endpoints.read.length === 0)
    throw new Error('the config.yml section reads no endpoint (AF_READ): there is nothing to serve');
  const writers: [string, MqWriter][] = [];
  const readers: { name: string; reader: MqReader }[] = [];
  try {
    for (const e of endpoints.write) writers.push([e.name, await broker.openWriter(e.address)]);
    for (const e of endpoints.read) readers.push({ name: e.name, reader: await broker.openReader(e.address) });
  } catch (error) {
    await Promise.all(readers.map((r) => r.reader.close()));
    throw error;
  }
  const mq = new MqAdapter({
    adapter: options.adapter,
    writers: new MqWriters(writers, { log, direct: await broker.openDirectWriter() }),
    log,
    ackOnReceipt: options.ackOnReceipt,
  });
  // Consumed only once every endpoint is open: a CALL never arrives before its reply writer exists.
  for (const { name, reader } of readers) mq.serve(reader, name);
  return mq;
}
