import type { BrokerState, CloseReason } from '../../shared/rpc/connection.js';
import { Listeners } from '../../shared/rpc/listeners.js';
import type { Extra, RpcMessage } from '../../shared/wire/message.js';

/** socket and websocket endpoints hold client connections; mq endpoints are queues and topics. */
export type EndpointKind = 'socket' | 'websocket' | 'mq';

/**
 * Why the gateway did not pass a message on. `user-not-here` is not an error: a push on a
 * broadcast topic reaches every gateway and only the one holding the user delivers it.
 */
export type DropReason =
  /** No route for the interface from this endpoint (spec §7.3 steps 2 and 5). */
  | 'no-route'
  /** userid_check is on and the connection has no user id, or its token was refused. */
  | 'unauthorized'
  /** A push on a topic for a user connected to another gateway. */
  | 'user-not-here'
  /** A queued message for a user id with no connection here. */
  | 'unknown-user'
  /**
   * A RETURN whose forwarded call is not (or no longer) remembered: answered already (a second
   * RETURN after a redelivery), given up on (the client got an error), or never forwarded here.
   */
  | 'expired'
  /** A RETURN without routing info matching forwarded calls of several users. */
  | 'ambiguous'
  /** The broker refused the message (unreachable, reconnecting) or the frame was too large. */
  | 'send-failed'
  /** A connection closed because it could not keep up (write backlog, held messages). */
  | 'overflow'
  /** A connection closed because it sent bytes that are not TCE. */
  | 'decode-error';

export const DROP_REASONS: readonly DropReason[] = [
  'no-route',
  'unauthorized',
  'user-not-here',
  'unknown-user',
  'expired',
  'ambiguous',
  'send-failed',
  'overflow',
  'decode-error',
];

/** The fixed header of a message, decoded (spec §1.3). */
export type HeaderFields = Omit<RpcMessage, 'type' | 'extra' | 'params'>;

/** What became of a received message. */
export type InOutcome =
  /** Sent on to another endpoint (a queue, or a client's connection). */
  | { kind: 'forwarded'; to: string; toKind: EndpointKind; toPeer: string }
  /** Served by the gateway's own ITerminalGatewayServer servant. */
  | { kind: 'served' }
  | { kind: 'dropped'; reason: DropReason; detail: string };

/** What a sent message was. */
export type OutOutcome =
  /** Written to a client's connection. */
  | { kind: 'delivered' }
  /** Published to a queue or topic. */
  | { kind: 'published' };

interface MessageEventBase {
  type: 'message';
  /** Date.now() when it happened. */
  time: number;
  hop: 'gateway';
  endpoint: string;
  endpointKind: EndpointKind;
  /** The client's remote address, or the queue / topic name. */
  peer: string;
  /** The client connection's user id, or the message's `__user_id__`. */
  userId: string | undefined;
  header: HeaderFields;
  extra: Extra;
  /** Size of the RpcMessage in bytes (no meta header). */
  size: number;
  /** The RpcMessage bytes, at most MAX_EVENT_BYTES of them. */
  raw: Uint8Array;
  truncated: boolean;
}

export type GatewayMessageEvent =
  | (MessageEventBase & { direction: 'in'; outcome: InOutcome })
  | (MessageEventBase & { direction: 'out'; outcome: OutOutcome });

export interface ConnectionEventBase {
  time: number;
  endpoint: string;
  endpointKind: 'socket' | 'websocket';
  /** The transport's connection id. */
  connectionId: number;
  peer: string;
}

export type GatewayEvent =
  | GatewayMessageEvent
  | (ConnectionEventBase & { type: 'connection-open'; userId: string | undefined })
  /** A connection got its user id from `__token__` (userid_check). */
  | (ConnectionEventBase & { type: 'connection-user'; userId: string })
  | (ConnectionEventBase & { type: 'connection-close'; userId: string | undefined; reason: CloseReason })
  /** Refused: no or a bad `__token__`, or the gateway is closing. */
  | (ConnectionEventBase & { type: 'connection-refused'; reason: string })
  | { type: 'broker'; time: number; state: BrokerState };

export interface GatewayCounters {
  connectionsOpen: number;
  connectionsAccepted: number;
  connectionsRefused: number;
  messagesReceived: number;
  /** CALLs published to a queue or topic. */
  callsForwarded: number;
  /** RETURNs delivered to clients (or, rarely, published). */
  returnsDelivered: number;
  /** CALLs delivered to client connections (server → client). */
  pushesDelivered: number;
  /** CALLs answered by the gateway's own servant. */
  servedLocally: number;
  /**
   * Two-way CALLs the gateway answered with an error RETURN of its own: no route (4), broker
   * trouble (1), no RETURN in time (2), a RETURN too large for the client (6). See docs/delivery.md.
   */
  callsFailed: number;
  /** Forwarded two-way calls whose reply has not come back yet. */
  callsAwaitingReply: number;
  drops: Record<DropReason, number>;
}

/** Bytes of a message kept in an event; the console shows no more. */
export const MAX_EVENT_BYTES = 64 * 1024;

export const headerOf = (m: RpcMessage): HeaderFields => ({
  sequence: m.sequence,
  calltype: m.calltype,
  ifidx: m.ifidx,
  opidx: m.opidx,
  errcode: m.errcode,
  paramsize: m.paramsize,
  callId: m.callId,
});

/** The gateway's event stream and counters. Emitting costs nothing while nobody listens. */
export class GatewayMonitor {
  private readonly listeners = new Listeners<GatewayEvent>();
  readonly counts: Omit<GatewayCounters, 'drops' | 'callsAwaitingReply'> = {
    connectionsOpen: 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    messagesReceived: 0,
    callsForwarded: 0,
    returnsDelivered: 0,
    pushesDelivered: 0,
    servedLocally: 0,
    callsFailed: 0,
  };
  readonly drops = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

  get watched(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  emit(event: GatewayEvent): void {
    this.listeners.emit(event);
  }

  snapshot(callsAwaitingReply: number): GatewayCounters {
    return { ...this.counts, callsAwaitingReply, drops: { ...this.drops } };
  }
}
