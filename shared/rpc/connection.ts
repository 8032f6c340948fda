import type { ByteWriter } from '../wire/bytes.js';
import type { Extra, RpcMessage } from '../wire/message.js';

/**
 * What the RPC core needs from a transport. Transports (electron/transports/) implement these;
 * the core (shared/rpc/) never imports a transport.
 */

export type StreamTransportKind = 'tcp' | 'tls' | 'ws' | 'wss';

export type CloseReason =
  /** close() was called on this side. */
  | { kind: 'local'; message: string }
  /** The peer closed or the network dropped the connection. */
  | { kind: 'remote'; message: string }
  /** The peer sent bytes that are not TCE (bad magic, oversized frame, undecodable message). */
  | { kind: 'protocol'; message: string }
  /** Writes backed up past the connection's limit: the peer is too slow or dead. */
  | { kind: 'overflow'; message: string }
  /** Nothing crossed the connection, either way, for its idle timeout: this side closed it. */
  | { kind: 'idle'; message: string };

export interface ConnectionEvents {
  /** One decoded message, with the RpcMessage bytes it was decoded from (after inflate). */
  message(message: RpcMessage, raw: Uint8Array): void;
  /** Called exactly once. */
  close(reason: CloseReason): void;
  /**
   * Optional: offered every plain RETURN (errcode 0, no extra) before it is decoded, with its
   * sequence and result `bytes[start, end)` (valid only during the call). True = taken; false =
   * decode it and deliver it through `message` as usual.
   */
  reply?(sequence: number, bytes: Uint8Array, start: number, end: number): boolean;
}

/** A duplex path to one peer: an accepted or dialled TCP, TLS or WebSocket connection. */
export interface MessageConnection {
  readonly id: number;
  readonly transport: StreamTransportKind;
  /** `tcp://127.0.0.1:54321` and the like, for logs and the console. */
  readonly remote: string;
  readonly isOpen: boolean;
  /** Queues the message for writing (writes are batched per event-loop turn); false if closed. */
  send(message: RpcMessage): boolean;
  /**
   * Optional: as send, for a CALL (type 1, errcode 0, call_id 0) whose parameters `writeParams`
   * writes straight into the write buffer. What writeParams throws is thrown as it is, with
   * nothing queued.
   */
  sendCall?(
    sequence: number,
    calltype: number,
    ifidx: number,
    opidx: number,
    paramsize: number,
    extra: Extra,
    writeParams: (w: ByteWriter) => void,
  ): boolean;
  close(reason?: string): void;
  /** Sets the one consumer of this connection's events; messages arriving before are held. */
  listen(events: ConnectionEvents): void;
}

/** A Qpid node, mapped to AMQP 0-9-1 as spec §8 says. */
export interface MqAddress {
  /** Queue or exchange name. */
  name: string;
  type: 'queue' | 'topic';
  durable: boolean;
  /** Who declares the node: `always` = both sides, `never` = passive check. */
  create: 'always' | 'sender' | 'receiver' | 'never';
  /** Routing / binding key; empty for TCE's addresses. */
  subject: string;
}

export type BrokerKind = 'amqp' | 'memory';

export type BrokerState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'reconnecting'; attempt: number; lastError: string }
  | { state: 'closed'; reason: string };

/** What the broker said about one published message (publisher confirms). */
export type MqConfirm = { ok: true } | { ok: false; reason: string };

/**
 * Told exactly once per message a writer accepted: ok once the broker has taken responsibility
 * for it (RabbitMQ's publisher confirm: routed, and persisted first when it is persistent), not
 * ok when the broker refused it or the channel or connection went before it said so (the
 * message may or may not have arrived).
 */
export type OnConfirm = (outcome: MqConfirm) => void;

/** Sends to one queue or topic. */
export interface MqWriter {
  readonly address: MqAddress;
  /** Publishes one RpcMessage as the body; false when the broker is unreachable right now (`confirmed` is then never called). */
  send(message: RpcMessage, confirmed?: OnConfirm): boolean;
}

/** One message handed to a reader's listener. */
export interface MqDelivery {
  /** Done with it: the broker forgets it. */
  ack(): void;
  /** Not done: back to the queue for any reader (requeue), or dropped. */
  reject(requeue: boolean): void;
}

export type MqAckMode =
  /** Acknowledged before the listener sees it (the original's way): a reader that dies loses what it held. */
  | 'on-receipt'
  /**
   * The listener acks or rejects each delivery; the broker hands a reader at most its prefetch
   * of unsettled ones, and returns them to the queue when the reader or its connection goes.
   */
  | 'by-listener';

export interface MqListenOptions {
  /** Default `on-receipt`. */
  ack?: MqAckMode;
  /** `by-listener`: how long close() waits for deliveries to be settled before returning the rest to the queue. Default 2 000 ms. */
  closeWaitMs?: number;
}

export type MqListener = (message: RpcMessage, raw: Uint8Array, delivery: MqDelivery) => void;

/** Consumes one queue (competing with other readers) or a private subscription to a topic. */
export interface MqReader {
  readonly address: MqAddress;
  /** Sets the consumer; every delivered, decodable message reaches it once (again only if it was returned to the queue). */
  listen(onMessage: MqListener, options?: MqListenOptions): void;
  close(): Promise<void>;
}

/**
 * Publishes to queues named at send time, without declaring or checking them: replies to a
 * caller's private reply queue, whose name arrives in `__mq_return__` (spec §3.4). A message
 * for a queue that does not exist is dropped, as RabbitMQ's default exchange does.
 */
export interface MqDirectWriter {
  /** false when the broker is unreachable right now; see MqWriter.send for `confirmed`. */
  send(queue: string, message: RpcMessage, confirmed?: OnConfirm): boolean;
}

/** A message broker: RabbitMQ via amqplib, or the in-memory one used by the sandbox. */
export interface Broker {
  readonly kind: BrokerKind;
  /** Human description for logs and the UI, e.g. `amqp://127.0.0.1:5672` or `in-memory (no RabbitMQ)`. */
  readonly description: string;
  readonly state: BrokerState;
  onStateChange(listener: (state: BrokerState) => void): () => void;
  openWriter(address: MqAddress): Promise<MqWriter>;
  openReader(address: MqAddress): Promise<MqReader>;
  /**
   * A private reply queue (spec §3.4, for tools such as tce-call): server-named, exclusive,
   * auto-delete, gone with the connection. Its `address.name` is the name the broker gave it,
   * which is what CALLs put in `__mq_return__` — a new one after a reconnect.
   */
  openPrivateReader(): Promise<MqReader>;
  /** A writer to queues named at send time (see MqDirectWriter). */
  openDirectWriter(): Promise<MqDirectWriter>;
  close(): Promise<void>;
}
