import type { ConnectionInfo, ConnectionState, TargetSpec } from '../../../shared/console-api/types.js';
import type { IdlModel, QualifiedName } from '../../../shared/idl/model.js';
import { Adapter } from '../../../shared/rpc/adapter.js';
import type { ClientState, RpcClient } from '../../../shared/rpc/client.js';
import type { StreamTransportKind } from '../../../shared/rpc/connection.js';
import type { TrafficEvent } from '../../../shared/rpc/peer.js';
import type { OperationTable } from '../../../shared/rpc/servant.js';
import type { ModelCodec } from '../../../shared/wire/codec.js';
import { ExtraKey, isCall } from '../../../shared/wire/message.js';
import { createClient } from '../../transports/dial.js';
import { identity } from '../feed/correlation.js';
import type { ConsoleLink, LinkContext } from './link.js';
import { ProvisionalEntries } from './link.js';
import { pushInterfaces, pushServant } from './push-servant.js';

export interface StreamLinkOptions {
  id: string;
  spec: TargetSpec;
  url: string;
  transport: StreamTransportKind;
  /** Shown as the feed entries' endpoint: the project endpoint's name, or the URL. */
  endpoint: string;
  token?: string;
  /** Sent as `__device_id__`; the sandbox's gateway reports it, which tells the console its user id there. */
  deviceId: string;
  /** Dialled at a sandbox gateway's listener: it closes with the sandbox (a restarted one listens elsewhere). */
  viaSandbox: boolean;
}

/**
 * A console connection over TCP, TLS or WebSocket: a reconnecting client whose adapter serves
 * the project's push interfaces, and whose every message goes into the feed at hop `console`.
 */
export class StreamLink implements ConsoleLink {
  readonly id: string;
  readonly spec: TargetSpec;
  readonly deviceId: string;
  private readonly client: RpcClient;
  private readonly adapter: Adapter;
  private readonly options: StreamLinkOptions;
  private servant: OperationTable | undefined;
  private pushNames: QualifiedName[] = [];
  private current: ConnectionState = { state: 'idle' };
  private sent: { sequence: number; size: number } | undefined;
  /** Who the console is at the gateway, for correlation keys; provisional until a gateway says. */
  private who: string;
  private userId: string | undefined;
  private gateway: string | undefined;
  private readonly provisional = new ProvisionalEntries();
  private readonly scope: string;

  constructor(
    options: StreamLinkOptions,
    private readonly ctx: LinkContext,
  ) {
    this.options = options;
    this.id = options.id;
    this.spec = options.spec;
    this.deviceId = options.deviceId;
    this.scope = `console:${options.id}`;
    this.who = this.provisionalWho;
    this.adapter = new Adapter({
      onFailure: (f) =>
        ctx.log(
          'warn',
          `${options.endpoint}: a push (ifidx ${f.call.ifidx} opidx ${f.call.opidx}) failed with error ${f.code}: ${f.error instanceof Error ? f.error.message : 'no servant'}`,
        ),
    });
    this.client = createClient(options.url, {
      adapter: this.adapter,
      token: options.token,
      deviceId: options.deviceId,
      autoReconnect: { initialDelayMs: 500, maxDelayMs: 10_000 },
      connectTimeout: 10_000,
    });
    this.client.onState((state) => this.stateChanged(state));
    this.client.onTraffic((event) => this.record(event));
  }

  get state(): ConnectionState {
    return this.current;
  }

  get lastSent(): { sequence: number; size: number } | undefined {
    return this.sent;
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      target: this.spec,
      url: this.options.url,
      transport: this.options.transport,
      state: this.current,
      pushInterfaces: this.pushNames,
    };
  }

  ready() {
    return this.client.connect();
  }

  /** Serves the push interfaces of this model from now on. */
  setModel(model: IdlModel | undefined, codec: () => ModelCodec): void {
    if (this.servant) this.adapter.remove(this.servant);
    this.servant = model ? pushServant(model, codec) : undefined;
    if (this.servant) this.adapter.add(this.servant);
    this.pushNames = model ? pushInterfaces(model) : [];
  }

  /** A gateway of the sandbox saw this link's device id from user `userId`. */
  learn(userId: string, gateway: string): void {
    const actual = identity(userId, gateway);
    if (this.who === actual) return;
    // Subscribers may have these entries already: they get them again, settled.
    this.provisional.settle(this.ctx.feed, this.who, actual, userId, gateway);
    this.who = actual;
    this.userId = userId;
    this.gateway = gateway;
  }

  get usesSandbox(): boolean {
    return this.options.viaSandbox;
  }

  /** Who this connection is at a sandbox gateway, once the gateway said. */
  get atGateway(): { gateway: string; userId: string } | undefined {
    return this.userId !== undefined && this.gateway !== undefined
      ? { gateway: this.gateway, userId: this.userId }
      : undefined;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private get provisionalWho(): string {
    return identity(undefined, `console-${this.id}`);
  }

  private record(event: TrafficEvent): void {
    const { direction, message, raw } = event;
    if (direction === 'out') this.sent = { sequence: message.sequence, size: raw.length };
    // A CALL coming in, or a RETURN going out, belongs to a back end's call: a push.
    const push = isCall(message) === (direction === 'in');
    const who = push ? identity(message.extra[ExtraKey.userId] ?? this.userId, undefined) : this.who;
    const id = this.ctx.feed.record(
      {
        hop: 'console',
        direction,
        endpoint: this.options.endpoint,
        peer: this.id,
        userId: this.userId,
        gateway: this.gateway,
        message,
        raw,
      },
      { scope: this.scope, user: '', who, push },
    );
    if (!push && this.userId === undefined) this.provisional.add(id);
  }

  private stateChanged(state: ClientState): void {
    if (state.state === 'connecting') {
      // A new connection gets a new user id at the gateway.
      this.who = this.provisionalWho;
      this.userId = this.gateway = undefined;
      this.provisional.clear();
    }
    this.current = connectionState(state);
    this.ctx.changed(this);
  }
}

function connectionState(state: ClientState): ConnectionState {
  switch (state.state) {
    case 'closed':
      return { state: 'closed', reason: state.message };
    case 'open':
      return { state: 'open' };
    default:
      return state;
  }
}
