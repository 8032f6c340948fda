import type { Endpoint } from '../../shared/project/index.js';
import { Adapter, errorReturn } from '../../shared/rpc/adapter.js';
import type { CloseReason, MessageConnection, MqWriter, OnConfirm } from '../../shared/rpc/connection.js';
import { ErrorCode } from '../../shared/rpc/errors.js';
import { SequenceGenerator } from '../../shared/rpc/pending.js';
import { OperationTable, type CallerConnection } from '../../shared/rpc/servant.js';
import { ByteWriter } from '../../shared/wire/bytes.js';
import {
  CALL_ID_FORWARDED,
  ExtraKey,
  MSGTYPE_RPC,
  SendCallType,
  encodeMessage,
  isCall,
  isOneway,
  isReturn,
  type RpcMessage,
} from '../../shared/wire/message.js';
import {
  MAX_EVENT_BYTES,
  headerOf,
  type DropReason,
  type GatewayEvent,
  type GatewayMessageEvent,
  type GatewayMonitor,
  type InOutcome,
  type OutOutcome,
} from './events.js';
import { ForwardedCalls, type ForwardedCall, type ForwardedCallsOptions } from './forwarded-calls.js';
import { PING_OPIDX, type GatewayPlan, type MqEndpointPlan, type StreamEndpointPlan } from './plan.js';
import { messageOf } from '../../shared/message-of.js';
import { trace, type Log } from '../../shared/log.js';

/**
 * The gateway's routing core (spec §7.3, §7.4): client sessions and their user ids, CALL and
 * RETURN routing between client connections and queues, the gateway's own servant, user
 * events, and the feed. Transport-neutral: the caller hands it accepted connections and
 * messages read from queues, and gives it the queue writers.
 */

/** Turns a client's `__token__` into its user id; undefined (or a throw) refuses the connection. */
export type Authenticate = (
  token: string,
  info: { endpoint: string; remote: string; deviceId: string | undefined },
) => string | undefined | Promise<string | undefined>;

/** The sample gateway's rule: the token is the user id (spec §7.4). */
export const tokenIsUserId: Authenticate = (token) => token;

/** The queues, as the core sees them. */
export interface MqSide {
  /** The writer of a planned write endpoint; undefined while it is not open (broker down). */
  writer(name: string): MqWriter | undefined;
  /** A writer for any MQ endpoint of services.xml, opened on first use: replies named by `__mq_return__`. */
  replyWriter(name: string): Promise<MqWriter | undefined>;
}

export interface GatewayCoreOptions {
  /** The server name: logs and user events. */
  name: string;
  plan: GatewayPlan;
  mq: MqSide;
  monitor: GatewayMonitor;
  log: Log;
  authenticate?: Authenticate;
  forwardedCalls?: ForwardedCallsOptions;
  /** Client connections open at once, over all listen endpoints; more are refused (logged). Default 10 000. */
  maxConnections?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 10_000;

/** What the gateway holds per call and per connection: flat under any load, or something leaks. */
export interface GatewayFootprint {
  /** Forwarded calls awaiting a RETURN. */
  awaitingReplies: number;
  /** Entries the forwarded-call memory holds, answered ones not yet dropped included. */
  forwardedCallSlots: number;
  connections: number;
  /** User ids bound to connections, over all listen endpoints. */
  userIds: number;
}

/** Messages a connection may send while its token is being checked. */
const MAX_HELD_WHILE_AUTHENTICATING = 1_000;

/** A client connection on a socket or websocket listen endpoint. */
class ClientSession implements CallerConnection {
  userId: string | undefined;
  /** `new`: waiting for the first message (userid_check); `checking`: its token is being checked. */
  state: 'new' | 'checking' | 'ready';
  held: { message: RpcMessage; raw: Uint8Array }[] = [];
  /** Resolves once the gateway has handled the close. */
  readonly closed: Promise<void>;
  markClosed!: () => void;

  constructor(
    readonly connection: MessageConnection,
    readonly plan: StreamEndpointPlan,
    ready: boolean,
  ) {
    this.state = ready ? 'ready' : 'new';
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  get id(): number {
    return this.connection.id;
  }

  get description(): string {
    return this.connection.remote;
  }

  get endpoint(): string {
    return this.plan.endpoint.name;
  }
}

type InEvent = Extract<GatewayMessageEvent, { direction: 'in' }>;

type Source =
  { kind: 'client'; session: ClientSession; plan: StreamEndpointPlan } | { kind: 'mq'; plan: MqEndpointPlan };

const dropped = (reason: DropReason, detail: string): InOutcome => ({ kind: 'dropped', reason, detail });
/** An in event's outcome until routing gives it one (it stays if routing throws). */
const ROUTING_FAILED: InOutcome = Object.freeze(dropped('no-route', 'routing failed'));
const DELIVERED: OutOutcome = Object.freeze({ kind: 'delivered' });
const PUBLISHED: OutOutcome = Object.freeze({ kind: 'published' });
/** What an error RETURN to a remembered call needs: its sequence, call_id as forwarded, and user id. */
const forwardedCallStub = (call: ForwardedCall<unknown>): Pick<RpcMessage, 'sequence' | 'callId' | 'extra'> => ({
  sequence: call.sequence,
  callId: CALL_ID_FORWARDED,
  extra: { [ExtraKey.userId]: call.userId },
});
const isTwoWayCall = (m: RpcMessage): boolean => isCall(m) && !isOneway(m);

export class GatewayCore {
  readonly plan: GatewayPlan;
  private readonly name: string;
  private readonly mq: MqSide;
  private readonly monitor: GatewayMonitor;
  private readonly log: Log;
  private readonly authenticate: Authenticate;
  private readonly forwarded: ForwardedCalls<ClientSession>;
  private readonly adapter = new Adapter();
  private readonly sessions = new Set<ClientSession>();
  /** listen endpoint name → user id → its connection (one per user id per endpoint, spec §7.4). */
  private readonly users = new Map<string, Map<string, ClientSession>>();
  private readonly queueCallers = new Map<string, CallerConnection>();
  /** The loopbacks' reply endpoints: RETURNs arriving there answer remembered calls. */
  private readonly replyEndpoints: ReadonlySet<string>;
  private readonly eventSequences = new SequenceGenerator();
  private readonly maxConnections: number;
  private nextUserId = 1;
  private accepting = true;
  /** Out events wait here while the in event of the message that caused them is being built. */
  private outbox: GatewayEvent[] | undefined;

  constructor(options: GatewayCoreOptions) {
    this.plan = options.plan;
    this.name = options.name;
    this.mq = options.mq;
    this.monitor = options.monitor;
    this.log = options.log;
    this.authenticate = options.authenticate ?? tokenIsUserId;
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.forwarded = new ForwardedCalls<ClientSession>(options.forwardedCalls, (call, why) =>
      this.answerForwarded(
        call,
        ErrorCode.TIMEOUT,
        why === 'expired'
          ? `no RETURN within ${this.forwarded.ttlMs} ms`
          : `more than ${this.forwarded.max} calls await a RETURN`,
      ),
    );
    this.replyEndpoints = new Set(this.plan.loopbacks.values());
    for (const l of this.plan.listeners) this.users.set(l.endpoint.name, new Map());
    if (this.plan.gatewayIfidx !== undefined) {
      const table = new OperationTable();
      // void ping(): liveness for clients and back ends (spec §3.8).
      table.add(this.plan.gatewayIfidx, PING_OPIDX, 'ITerminalGatewayServer.ping', () => undefined, {
        returnsValue: false,
      });
      this.adapter.add(table);
    }
  }

  /** Forwarded two-way calls still waiting for their RETURN. */
  get awaitingReplies(): number {
    return this.forwarded.size;
  }

  get openConnections(): number {
    return this.sessions.size;
  }

  footprint(): GatewayFootprint {
    let userIds = 0;
    for (const users of this.users.values()) userIds += users.size;
    return {
      awaitingReplies: this.forwarded.size,
      forwardedCallSlots: this.forwarded.footprint,
      connections: this.sessions.size,
      userIds,
    };
  }

  /** Drops expired forwarded-call entries (a timer calls it on an idle gateway). */
  sweep(): void {
    this.forwarded.sweep();
  }

  /** A connection accepted on a socket or websocket listen endpoint. */
  accept(plan: StreamEndpointPlan, connection: MessageConnection): void {
    const full = this.sessions.size >= this.maxConnections;
    if (!this.accepting || full) {
      // Refused, not left to the kernel's backlog: existing clients are unaffected and the peer learns at once.
      const why = full ? `the gateway is at its limit of ${this.maxConnections} connections` : 'the gateway is closing';
      connection.close(why);
      if (full) this.log('info', `${plan.endpoint.name} ${connection.remote}: refused: ${why}`);
      this.refused(plan, connection, why);
      return;
    }
    const session = new ClientSession(connection, plan, !this.plan.useridCheck);
    this.sessions.add(session);
    trace(this.log, 'gateway', () => `${plan.endpoint.name} ${connection.remote}: accepted`);
    this.monitor.counts.connectionsAccepted++;
    this.monitor.counts.connectionsOpen++;
    if (!this.plan.useridCheck) this.bindUser(session, String(this.nextUserId++));
    if (this.monitor.watched)
      this.monitor.emit({ type: 'connection-open', ...this.connectionInfo(session), userId: session.userId });
    if (session.userId !== undefined) this.userEvent(session.userId, 'online');
    connection.listen({
      message: (message, raw) => this.fromClient(session, message, raw),
      close: (reason) => this.closed(session, reason),
    });
  }

  /** A message read from an MQ endpoint. */
  fromQueue(plan: MqEndpointPlan, message: RpcMessage, raw: Uint8Array): void {
    this.receive({ kind: 'mq', plan }, message, raw);
  }

  /** Refuses new connections from now on. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Closes every client connection (flushing what is queued) and waits until they are closed. */
  async closeClients(reason: string): Promise<void> {
    const sessions = [...this.sessions];
    for (const s of sessions) s.connection.close(reason);
    await Promise.all(sessions.map((s) => s.closed));
  }

  private fromClient(session: ClientSession, message: RpcMessage, raw: Uint8Array): void {
    if (session.state === 'ready') return this.receive({ kind: 'client', session, plan: session.plan }, message, raw);
    if (session.held.push({ message, raw }) > MAX_HELD_WHILE_AUTHENTICATING) {
      this.monitor.drops.overflow++;
      session.connection.close(`more than ${MAX_HELD_WHILE_AUTHENTICATING} messages while its token was being checked`);
      return;
    }
    if (session.state === 'checking') return;
    const token = message.extra[ExtraKey.token];
    if (!token) return this.refuse(session, 'its first message carries no __token__ (userid_check is on)');
    let result: string | undefined | Promise<string | undefined>;
    try {
      result = this.authenticate(token, {
        endpoint: session.endpoint,
        remote: session.description,
        deviceId: message.extra[ExtraKey.deviceId],
      });
    } catch (error) {
      return this.refuse(session, `its token was refused: ${messageOf(error)}`);
    }
    if (!(result instanceof Promise)) return this.authenticated(session, result);
    session.state = 'checking';
    result.then(
      (userId) => this.authenticated(session, userId),
      (error: unknown) => this.authenticated(session, undefined, messageOf(error)),
    );
  }

  /** The token check is done: bind the user and process the messages held meanwhile. */
  private authenticated(session: ClientSession, userId: string | undefined, why?: string): void {
    if (!session.connection.isOpen) return;
    if (userId === undefined || userId === '')
      return this.refuse(session, `its token was refused${why ? `: ${why}` : ''}`);
    const held = session.held;
    session.held = [];
    session.state = 'ready';
    this.bindUser(session, userId);
    if (this.monitor.watched) this.monitor.emit({ type: 'connection-user', ...this.connectionInfo(session), userId });
    this.userEvent(userId, 'online');
    for (const { message, raw } of held) {
      if (!session.connection.isOpen) break;
      this.receive({ kind: 'client', session, plan: session.plan }, message, raw);
    }
  }

  /** Refuses a connection at its first message: logged, counted, shown, closed. */
  private refuse(session: ClientSession, why: string): void {
    const first = session.held[0];
    session.held = [];
    this.log('info', `${session.endpoint} ${session.description}: refused: ${why}`);
    if (first) {
      this.monitor.counts.messagesReceived++;
      this.monitor.drops.unauthorized++;
      if (this.monitor.watched)
        this.monitor.emit(
          this.messageEvent(
            { kind: 'client', session, plan: session.plan },
            first.message,
            first.raw,
            'in',
            dropped('unauthorized', why),
          ),
        );
    }
    this.refused(session.plan, session.connection, why);
    session.connection.close(`refused: ${why}`);
  }

  private refused(plan: StreamEndpointPlan, connection: MessageConnection, reason: string): void {
    this.monitor.counts.connectionsRefused++;
    if (this.monitor.watched) {
      this.monitor.emit({
        type: 'connection-refused',
        time: Date.now(),
        endpoint: plan.endpoint.name,
        endpointKind: plan.kind,
        connectionId: connection.id,
        peer: connection.remote,
        reason,
      });
    }
  }

  private bindUser(session: ClientSession, userId: string): void {
    session.userId = userId;
    trace(this.log, 'gateway', () => `${session.endpoint} ${session.description}: user id ${userId}`);
    // One connection per user id per endpoint: the last to claim it wins.
    this.users.get(session.endpoint)!.set(userId, session);
  }

  private closed(session: ClientSession, reason: CloseReason): void {
    this.sessions.delete(session);
    this.monitor.counts.connectionsOpen--;
    if (reason.kind === 'protocol') {
      this.monitor.drops['decode-error']++;
      this.log('info', `${session.endpoint} ${session.description}: closed, not TCE: ${reason.message}`);
    } else if (reason.kind === 'overflow') {
      this.monitor.drops.overflow++;
      this.log('info', `${session.endpoint} ${session.description}: closed, too slow: ${reason.message}`);
    } else if (reason.kind === 'idle') {
      this.log('info', `${session.endpoint} ${session.description}: closed, idle: ${reason.message}`);
    }
    this.forwarded.forgetClient(session);
    const users = this.users.get(session.endpoint)!;
    const userId = session.userId;
    if (userId !== undefined && users.get(userId) === session) {
      users.delete(userId);
      this.userEvent(userId, 'offline');
    }
    if (this.monitor.watched)
      this.monitor.emit({ type: 'connection-close', ...this.connectionInfo(session), userId, reason });
    session.markClosed();
  }

  private receive(source: Source, message: RpcMessage, raw: Uint8Array): void {
    this.monitor.counts.messagesReceived++;
    if (!this.monitor.watched) {
      this.route(source, message);
      return;
    }
    // The in event shows the message as it arrived (before stamping) and precedes its out events.
    const arrived: InEvent = this.messageEvent(source, message, raw, 'in', ROUTING_FAILED);
    this.outbox = [];
    try {
      arrived.outcome = this.route(source, message);
    } finally {
      const out = this.outbox;
      this.outbox = undefined;
      this.monitor.emit(arrived);
      for (const e of out) this.monitor.emit(e);
    }
  }

  private route(source: Source, message: RpcMessage): InOutcome {
    const outcome = isCall(message)
      ? this.routeCall(source, message)
      : isReturn(message)
        ? this.routeReturn(source, message)
        : dropped('no-route', `calltype 0x${message.calltype.toString(16)} is neither CALL nor RETURN`);
    if (outcome.kind === 'dropped') this.monitor.drops[outcome.reason]++;
    return outcome;
  }

  /** Spec §7.3, CALL. */
  private routeCall(source: Source, call: RpcMessage): InOutcome {
    const endpoint = source.plan.endpoint.name;
    // 1. The gateway's own servant, on every listen endpoint (client connections exist only there).
    if (call.ifidx === this.plan.gatewayIfidx && (source.kind === 'client' || source.plan.listen)) {
      this.serveLocally(source, call);
      return { kind: 'served' };
    }
    // 2. The interface's routes.
    const calls = this.plan.routes.calls.get(call.ifidx);
    if (!calls && !this.plan.routes.returns.has(call.ifidx))
      return this.unroutable(source, call, `no route for interface ${call.ifidx}`);
    if (source.kind === 'client') {
      // 3. Unauthenticated connections are refused at their first message, so this is a safeguard.
      if (this.plan.useridCheck && source.session.userId === undefined)
        return dropped('unauthorized', 'the connection has no user id');
      // 4. The connection's user id wins over whatever the client wrote.
      if (source.session.userId !== undefined) call.extra[ExtraKey.userId] = source.session.userId;
    }
    // 5. The pair for the endpoint the call came in on.
    const target = calls?.get(endpoint);
    if (!target) return this.unroutable(source, call, `interface ${call.ifidx} has no call route from ${endpoint}`);
    call.callId |= CALL_ID_FORWARDED;
    // 6.
    return this.forward(source, call, target.out);
  }

  /**
   * Spec §7.3, RETURN, but by the calls the gateway remembers where it remembers them: a RETURN
   * arriving on a loopback's reply endpoint reaches the connection that made its call (routing
   * info or not), once. A second RETURN for the same call (a back end redelivered a call it had
   * answered), one for a call the gateway gave up on, or one from before a gateway restart
   * (whose user id may now name another client) reaches nobody.
   */
  private routeReturn(source: Source, reply: RpcMessage): InOutcome {
    const endpoint = source.plan.endpoint.name;
    const userId = reply.extra[ExtraKey.userId];
    const forwardedBit = (reply.callId & CALL_ID_FORWARDED) !== 0;
    const target = forwardedBit ? this.plan.routes.returns.get(reply.ifidx)?.get(endpoint) : undefined;
    if (target && this.plan.endpoints.get(target.out.name)?.kind === 'mq') {
      this.forwarded.take(endpoint, reply.sequence, userId);
      return this.forward(source, reply, target.out);
    }
    const found = this.forwarded.take(endpoint, reply.sequence, userId);
    if (found.kind === 'found') {
      const { client } = found.call;
      if (!client.connection.isOpen)
        return dropped(
          'unknown-user',
          `the client of sequence ${reply.sequence} (user ${client.userId ?? '?'}) has disconnected`,
        );
      return this.deliver(client, reply);
    }
    if (found.kind === 'ambiguous')
      return dropped(
        'ambiguous',
        `${found.count} forwarded calls of different users have sequence ${reply.sequence} and the RETURN names no __user_id__`,
      );
    if (target && userId !== undefined) {
      // Calls that came from queues are not remembered: their RETURNs go by user id, as the original.
      if (!this.replyEndpoints.has(endpoint)) return this.forward(source, reply, target.out);
      if (!this.users.get(target.out.name)?.has(userId))
        return dropped('unknown-user', `no connection of user ${userId} on ${target.out.name}`);
      return dropped(
        'expired',
        `no call of user ${userId} with sequence ${reply.sequence} awaits a RETURN (answered already, given up on, or forwarded before a restart)`,
      );
    }
    return forwardedBit
      ? dropped('no-route', `interface ${reply.ifidx} has no return route from ${endpoint}`)
      : dropped(
          'expired',
          `a RETURN without call_id bit 15 and no forwarded call with sequence ${reply.sequence} is remembered (answered, given up on or never forwarded here)`,
        );
  }

  /**
   * Answers a forwarded call the gateway stops waiting for with an error RETURN, so its client
   * learns at once instead of after its own timeout (or never, with none).
   */
  private answerForwarded(call: ForwardedCall<ClientSession>, code: number, why: string): void {
    const session = call.client;
    this.log(
      'info',
      `${session.endpoint} ${session.description}: call sequence ${call.sequence} (user ${call.userId}) answered with error ${code}: ${why}`,
    );
    this.fail(session, forwardedCallStub(call), code);
  }

  /** Answers a client's two-way CALL with an error RETURN of the gateway's own. */
  private fail(session: ClientSession, call: Pick<RpcMessage, 'sequence' | 'callId' | 'extra'>, code: number): void {
    this.monitor.counts.callsFailed++;
    this.send(session, errorReturn(call, code));
  }

  /** Drops a CALL nobody routes; a client's two-way call is answered with error 4 at once instead of timing out. */
  private unroutable(source: Source, call: RpcMessage, why: string): InOutcome {
    if (source.kind === 'client' && isTwoWayCall(call)) this.fail(source.session, call, ErrorCode.INTERFACE_NOTFOUND);
    return dropped('no-route', why);
  }

  /** Step 6: to the out endpoint's queue, or to the connection of the message's user. */
  private forward(source: Source, message: RpcMessage, out: Endpoint): InOutcome {
    const plan = this.plan.endpoints.get(out.name);
    if (!plan) return dropped('no-route', `endpoint ${out.name} (${out.declaredType}) cannot be used`);
    if (plan.kind === 'mq') return this.publish(source, message, plan);
    const userId = message.extra[ExtraKey.userId] ?? '0';
    const session = this.users.get(out.name)?.get(userId);
    if (!session) {
      const onTopic = source.kind === 'mq' && source.plan.address.type === 'topic';
      return onTopic
        ? dropped('user-not-here', `user ${userId} is not connected to ${out.name} here`)
        : dropped('unknown-user', `no connection of user ${userId} on ${out.name}`);
    }
    return this.deliver(session, message);
  }

  private publish(source: Source, message: RpcMessage, plan: MqEndpointPlan): InOutcome {
    const name = plan.endpoint.name;
    const replyTo = isCall(message) ? this.plan.loopbacks.get(name) : undefined;
    if (replyTo !== undefined) message.extra[ExtraKey.mqReturn] = replyTo;
    const writer = this.mq.writer(name);
    const caller = source.kind === 'client' && isTwoWayCall(message) ? source.session : undefined;
    // Remembered before it leaves, so that its confirm can find it.
    const call =
      caller && replyTo !== undefined
        ? this.forwarded.remember(replyTo, message.sequence, caller.userId ?? '0', caller)
        : undefined;
    let sent = false;
    try {
      sent = writer?.send(message, call && this.unconfirmed(call)) ?? false;
    } catch (error) {
      this.log('info', `${name}: cannot publish: ${messageOf(error)}`);
    }
    if (!sent) {
      if (call) this.forwarded.forget(call);
      // Told at once rather than after its timeout: the broker is down or reconnecting.
      if (caller) this.fail(caller, message, ErrorCode.SENDFAILED);
      return dropped('send-failed', `${name}: the broker is not connected${writer ? ' or refused the message' : ''}`);
    }
    if (isCall(message)) this.monitor.counts.callsForwarded++;
    else this.monitor.counts.returnsDelivered++;
    if (this.monitor.watched) this.emitOut(this.queueEvent(plan, message));
    return { kind: 'forwarded', to: name, toKind: 'mq', toPeer: this.queuePeer(plan) };
  }

  /** A forwarded CALL the broker did not take (refused, or its channel went first) will get no RETURN: its client is told now. */
  private unconfirmed(call: ForwardedCall<ClientSession>): OnConfirm {
    return (outcome) => {
      if (!outcome.ok && this.forwarded.forget(call))
        this.answerForwarded(call, ErrorCode.SENDFAILED, `the broker did not take the CALL (${outcome.reason})`);
    };
  }

  /**
   * The broker link is down: no RETURN can reach the gateway for the calls it remembers (and a
   * CALL not yet confirmed may be lost), so every one is answered with error 1 at once; a RETURN
   * arriving after the link is back reaches nobody. A call may have run all the same.
   */
  brokerLost(why: string): void {
    const calls = this.forwarded.drain();
    if (calls.length === 0) return;
    this.log(
      'info',
      `the broker link is down (${why}): ${calls.length} call(s) awaiting a RETURN answered with error ${ErrorCode.SENDFAILED}`,
    );
    for (const call of calls) this.fail(call.client, forwardedCallStub(call), ErrorCode.SENDFAILED);
  }

  private deliver(session: ClientSession, message: RpcMessage): InOutcome {
    const sent = this.send(session, message);
    if (sent === 'unsendable') {
      if (!isReturn(message) || message.errcode !== 0)
        return dropped(
          'send-failed',
          `a ${isCall(message) ? 'CALL' : 'RETURN'} ${session.description} cannot take (larger than its frame limit)`,
        );
      // As a server answers a RETURN it cannot send (spec §2.4): the client learns at once.
      this.fail(session, message, ErrorCode.REMOTEMETHOD_EXCEPTION);
      return dropped(
        'send-failed',
        `the RETURN for sequence ${message.sequence} cannot be sent to ${session.description} (larger than its frame limit): answered error 6`,
      );
    }
    if (sent === 'closed')
      return dropped('unknown-user', `user ${session.userId ?? '?'}'s connection ${session.description} is closed`);
    if (isCall(message)) this.monitor.counts.pushesDelivered++;
    else this.monitor.counts.returnsDelivered++;
    return { kind: 'forwarded', to: session.endpoint, toKind: session.plan.kind, toPeer: session.description };
  }

  /** Writes to a client: 'closed' when it is, 'unsendable' (logged) when the message exceeds its frame limit. */
  private send(session: ClientSession, message: RpcMessage): 'sent' | 'closed' | 'unsendable' {
    try {
      if (!session.connection.send(message)) return 'closed';
    } catch (error) {
      this.log('info', `${session.endpoint} ${session.description}: ${messageOf(error)}`);
      return 'unsendable';
    }
    if (this.monitor.watched) {
      this.emitOut(
        this.messageEvent(
          { kind: 'client', session, plan: session.plan },
          message,
          encodeMessage(message),
          'out',
          DELIVERED,
          true,
        ),
      );
    }
    return 'sent';
  }

  private serveLocally(source: Source, call: RpcMessage): void {
    this.monitor.counts.servedLocally++;
    const caller = source.kind === 'client' ? source.session : this.queueCaller(source.plan);
    const userId = source.kind === 'client' ? source.session.userId : call.extra[ExtraKey.userId];
    void this.adapter.dispatch(call, caller, userId, (reply) => {
      if (source.kind === 'client') this.send(source.session, reply);
      else void this.replyOverQueue(call, reply);
    });
  }

  /** A reply of the gateway's servant to a back end: to the writer named by `__mq_return__` (spec §3.4). */
  private async replyOverQueue(call: RpcMessage, reply: RpcMessage): Promise<void> {
    const name = call.extra[ExtraKey.mqReturn];
    if (name === undefined) {
      this.log('info', `a CALL of interface ${call.ifidx} over MQ has no __mq_return__: its RETURN is dropped`);
      return;
    }
    const writer = await this.mq.replyWriter(name);
    const plan = this.plan.endpoints.get(name);
    if (!writer || plan?.kind !== 'mq' || !writer.send(reply)) {
      this.log(
        'info',
        `cannot answer over "${name}" (${writer ? 'the broker refused the message' : 'no such MQ endpoint, or the broker is down'}): the RETURN is dropped`,
      );
      return;
    }
    this.monitor.counts.returnsDelivered++;
    if (this.monitor.watched) this.emitOut(this.queueEvent(plan, reply));
  }

  /** Publishes onUserOnLine / onUserOffLine(userId, gatewayName) one-way to the extra_mqs outs. */
  private userEvent(userId: string, what: 'online' | 'offline'): void {
    const events = this.plan.userEvents;
    if (!events) return;
    const params = new ByteWriter(64).string(userId).string(this.name).finish();
    const message: RpcMessage = {
      type: MSGTYPE_RPC,
      sequence: this.eventSequences.next(),
      calltype: SendCallType.oneway,
      ifidx: events.ifidx,
      opidx: what === 'online' ? events.onlineOpidx : events.offlineOpidx,
      errcode: 0,
      paramsize: 2,
      callId: CALL_ID_FORWARDED,
      extra: { [ExtraKey.userId]: userId },
      params,
    };
    for (const out of events.outs) {
      const plan = this.plan.endpoints.get(out);
      const writer = this.mq.writer(out);
      if (plan?.kind !== 'mq' || !writer?.send(message)) continue;
      if (this.monitor.watched) this.emitOut(this.queueEvent(plan, message));
    }
  }

  private emitOut(event: GatewayEvent): void {
    if (this.outbox) this.outbox.push(event);
    else this.monitor.emit(event);
  }

  private queueCaller(plan: MqEndpointPlan): CallerConnection {
    let caller = this.queueCallers.get(plan.endpoint.name);
    if (!caller) this.queueCallers.set(plan.endpoint.name, (caller = { id: 0, description: this.queuePeer(plan) }));
    return caller;
  }

  private queuePeer(plan: MqEndpointPlan): string {
    return `${plan.address.type} ${plan.address.name}`;
  }

  private queueEvent(plan: MqEndpointPlan, message: RpcMessage): GatewayEvent {
    return this.messageEvent({ kind: 'mq', plan }, message, encodeMessage(message), 'out', PUBLISHED, true);
  }

  /**
   * A message's event, copied: the message may be changed and its buffer reused. Built as one
   * object: a snapshot spread into an event was two 14-field objects per message at every hop.
   * `owned`: `raw` was encoded for this event alone, so it needs no copy of its own.
   */
  private messageEvent(
    source: Source,
    message: RpcMessage,
    raw: Uint8Array,
    direction: 'in',
    outcome: InOutcome,
  ): InEvent;
  private messageEvent(
    source: Source,
    message: RpcMessage,
    raw: Uint8Array,
    direction: 'out',
    outcome: OutOutcome,
    owned: boolean,
  ): GatewayMessageEvent;
  private messageEvent(
    source: Source,
    message: RpcMessage,
    raw: Uint8Array,
    direction: 'in' | 'out',
    outcome: InOutcome | OutOutcome,
    owned = false,
  ): GatewayMessageEvent {
    const client = source.kind === 'client' ? source.session : undefined;
    const truncated = raw.length > MAX_EVENT_BYTES;
    return {
      type: 'message',
      time: Date.now(),
      hop: 'gateway',
      endpoint: source.plan.endpoint.name,
      endpointKind: source.plan.kind,
      peer: client ? client.description : this.queuePeer(source.plan as MqEndpointPlan),
      userId: client?.userId ?? message.extra[ExtraKey.userId],
      header: headerOf(message),
      extra: { ...message.extra },
      size: raw.length,
      raw: owned && !truncated ? raw : raw.slice(0, MAX_EVENT_BYTES),
      truncated,
      direction,
      outcome,
    } as GatewayMessageEvent;
  }

  private connectionInfo(session: ClientSession) {
    return {
      time: Date.now(),
      endpoint: session.endpoint,
      endpointKind: session.plan.kind,
      connectionId: session.id,
      peer: session.description,
    };
  }
}
