// The places tce-call can call: a TCE server or gateway over a socket, or a back end's queue.
import type { Adapter } from '../../shared/rpc/adapter.js';
import type { CallTarget } from '../../shared/rpc/call.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { MqCallTarget } from '../../shared/rpc/mq-call-target.js';
import { openPrivateReplies } from '../../shared/rpc/mq-replies.js';
import type { RpcMessage } from '../../shared/wire/message.js';
import { isCall } from '../../shared/wire/message.js';
import { displayUrl } from '../../shared/project/broker-url.js';
import { connectAmqp } from '../transports/amqp.js';
import { splitAmqpTarget } from '../transports/amqp-url.js';
import { createClient } from '../transports/dial.js';
import type { TlsClientOptions } from '../transports/tcp.js';
import { UsageError } from './args.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

export interface TargetOptions {
  /** Serves calls the server makes back on the connection (pushes). */
  adapter: Adapter;
  /** Every CALL that arrives from the server. */
  onPush: (message: RpcMessage) => void;
  token?: string;
  tls?: TlsClientOptions;
  /** Milliseconds to wait for the connection. */
  connectTimeout: number;
  /** Where transport warnings go. */
  log: Log;
}

export interface OpenTarget {
  target: CallTarget;
  /** Flushes what was sent and closes. */
  close(): Promise<void>;
}

export type TargetKind = 'stream' | 'amqp';

/** Which kind of target a URL names; UsageError for a scheme tce-call does not know. */
export function targetKind(url: string): TargetKind {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tcp' || scheme === 'tls' || scheme === 'ssl' || scheme === 'ws' || scheme === 'wss') return 'stream';
  if (scheme === 'amqp' || scheme === 'amqps') return 'amqp';
  throw new UsageError(
    `--target must be tcp://host:port, tls://…, ws://host:port[/path], wss://… or amqp://user:password@host:port/<queue>, not '${url}'`,
  );
}

/** Connects now, so that connect errors are reported as such (102) rather than by the call. */
export async function openStreamTarget(url: string, options: TargetOptions): Promise<OpenTarget> {
  const client = createClient(url, {
    adapter: options.adapter,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    connectTimeout: options.connectTimeout,
  });
  client.onTraffic((event) => {
    if (event.direction === 'in' && isCall(event.message)) options.onPush(event.message);
  });
  try {
    await client.connect();
  } catch (error) {
    throw error instanceof RpcError
      ? error
      : new RpcError(ErrorCode.CONNECT_FAILED, messageOf(error), { cause: error });
  }
  return { target: client, close: () => client.close() };
}

/**
 * Publishes CALLs to a back end's queue (which must exist) with a private reply queue of the
 * broker's naming in `__mq_return__`. CALLs arriving on that reply queue count as pushes.
 */
export async function openAmqpTarget(url: string, options: TargetOptions): Promise<OpenTarget> {
  const target = splitAmqpTarget(url);
  if (!target.ok) throw new UsageError(`--target '${displayUrl(url)}' ${target.problem}`);
  const { brokerUrl, queue } = target;
  const broker = await connectAmqp(brokerUrl, {
    connectionName: 'tce-call',
    connectTimeoutMs: options.connectTimeout,
    log: options.log,
  });
  try {
    const writer = await broker.openWriter({ name: queue, type: 'queue', durable: true, create: 'never', subject: '' });
    const replies = await openPrivateReplies(broker, {
      onUnmatched: (message) => {
        if (isCall(message)) options.onPush(message);
      },
    });
    const close = async (): Promise<void> => {
      await replies.close();
      await broker.close();
    };
    return { target: new MqCallTarget(writer, replies), close };
  } catch (error) {
    await broker.close();
    throw error instanceof RpcError
      ? error
      : new RpcError(ErrorCode.CONNECT_FAILED, messageOf(error), { cause: error });
  }
}
