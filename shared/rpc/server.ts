import type { Adapter } from './adapter.js';
import type { CloseReason, MessageConnection } from './connection.js';
import { Listeners } from './listeners.js';
import { RpcPeer, type RpcPeerOptions, type TrafficEvent, type TrafficListener } from './peer.js';
import { trace, type Log } from '../log.js';

/** A listening endpoint (a TCP port, a WebSocket server) that hands its connections to a server. */
export interface ConnectionListener {
  /** Where clients connect, with the real port: `tcp://127.0.0.1:40123`. */
  readonly url: string;
  /** Stops accepting; connections already accepted stay open. */
  close(): Promise<void>;
}

export type ServerEvent =
  | { type: 'open'; peer: RpcPeer }
  | { type: 'close'; peer: RpcPeer; reason: CloseReason }
  /** Refused at once, e.g. because the server is at maxConnections. */
  | { type: 'rejected'; remote: string; reason: string };

export interface RpcServerOptions extends Omit<RpcPeerOptions, 'adapter' | 'userId' | 'hello' | 'onUserIdChange'> {
  adapter: Adapter;
  /**
   * `sequential` (default): every accepted connection gets the next of "1", "2", … as its user
   * id, like a Python adapter without userid_check (spec §7.4). `none`: ids come from
   * peer.setUserId (e.g. from `__token__`), or else each call's `__user_id__` extra (a back
   * end behind a gateway).
   */
  userIds?: 'sequential' | 'none';
  /** Connections open at once; more are refused. Default 10 000. */
  maxConnections?: number;
  /** Where to report connections closed for a protocol error or overflow, and refusals. */
  log?: Log;
}

/**
 * Serves one adapter to every connection its listeners accept: one RpcPeer per connection,
 * user ids, a user id → connection index for pushes, connection events, graceful close.
 */
export class RpcServer {
  readonly adapter: Adapter;
  private readonly peerOptions: RpcPeerOptions;
  private readonly sequentialIds: boolean;
  private readonly maxConnections: number;
  private readonly log: Log | undefined;
  private readonly open = new Set<RpcPeer>();
  private readonly byUser = new Map<string, RpcPeer>();
  private readonly attached: ConnectionListener[] = [];
  private readonly events = new Listeners<ServerEvent>();
  private readonly traffic = new Listeners<TrafficEvent>();
  private readonly trafficSubscriptions = new Map<RpcPeer, () => void>();
  private nextUserId = 1;
  private closing = false;

  constructor(options: RpcServerOptions) {
    const { adapter, userIds, maxConnections, log, ...peerOptions } = options;
    this.adapter = adapter;
    this.sequentialIds = (userIds ?? 'sequential') === 'sequential';
    this.maxConnections = maxConnections ?? 10_000;
    this.log = log;
    this.peerOptions = { ...peerOptions, adapter, onUserIdChange: (peer, previous) => this.reindex(peer, previous) };
  }

  /** Open connections. */
  get peers(): ReadonlySet<RpcPeer> {
    return this.open;
  }

  /** User id → its connection: build a proxy on it to push to that user. */
  get userConnections(): ReadonlyMap<string, RpcPeer> {
    return this.byUser;
  }

  get listeners(): readonly ConnectionListener[] {
    return this.attached;
  }

  /** Adds a listener, which close() will stop. */
  attach(listener: ConnectionListener): void {
    this.attached.push(listener);
  }

  /** Serves a new connection; refuses it (closing it) when closing or full. */
  accept(connection: MessageConnection): RpcPeer | undefined {
    if (this.closing || this.open.size >= this.maxConnections) {
      const reason = this.closing
        ? 'the server is closing'
        : `the server is at its limit of ${this.maxConnections} connections`;
      connection.close(reason);
      this.log?.('info', `${connection.remote}: refused: ${reason}`);
      this.events.emit({ type: 'rejected', remote: connection.remote, reason });
      return undefined;
    }
    const userId = this.sequentialIds ? String(this.nextUserId++) : undefined;
    const peer = new RpcPeer(connection, { ...this.peerOptions, userId });
    this.open.add(peer);
    trace(this.log, 'rpc', () => `${connection.remote}: accepted${userId === undefined ? '' : ` as user ${userId}`}`);
    if (userId !== undefined) this.byUser.set(userId, peer);
    if (this.traffic.size > 0) this.follow(peer);
    void peer.closed.then((reason) => this.closed(peer, reason));
    this.events.emit({ type: 'open', peer });
    return peer;
  }

  onConnection(listener: (event: ServerEvent) => void): () => void {
    return this.events.add(listener);
  }

  /** Every message of every connection; costs nothing while nobody listens. */
  onTraffic(listener: TrafficListener): () => void {
    if (this.traffic.size === 0) for (const peer of this.open) this.follow(peer);
    const remove = this.traffic.add(listener);
    return () => {
      remove();
      if (this.traffic.size > 0) return;
      for (const unsubscribe of this.trafficSubscriptions.values()) unsubscribe();
      this.trafficSubscriptions.clear();
    };
  }

  /** Stops the listeners, closes every connection (flushing what is queued) and waits for them. */
  async close(reason = 'server closing'): Promise<void> {
    this.closing = true;
    await Promise.all(this.attached.map((l) => l.close()));
    const peers = [...this.open];
    for (const peer of peers) peer.close(reason);
    await Promise.all(peers.map((p) => p.closed));
  }

  private follow(peer: RpcPeer): void {
    this.trafficSubscriptions.set(
      peer,
      peer.onTraffic((e) => this.traffic.emit(e)),
    );
  }

  private reindex(peer: RpcPeer, previous: string | undefined): void {
    if (previous !== undefined && this.byUser.get(previous) === peer) this.byUser.delete(previous);
    // One connection per user id: the last to claim it wins (spec §7.4).
    if (peer.userId !== undefined && this.open.has(peer)) this.byUser.set(peer.userId, peer);
  }

  private closed(peer: RpcPeer, reason: CloseReason): void {
    this.open.delete(peer);
    this.trafficSubscriptions.get(peer)?.();
    this.trafficSubscriptions.delete(peer);
    if (peer.userId !== undefined && this.byUser.get(peer.userId) === peer) this.byUser.delete(peer.userId);
    if (reason.kind === 'protocol' || reason.kind === 'overflow')
      this.log?.('info', `${peer.description}: closed (${reason.kind}): ${reason.message}`);
    this.events.emit({ type: 'close', peer, reason });
  }
}
