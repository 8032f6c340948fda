import type { ConnectionInfo, ConnectionState, TargetSpec } from '../../../shared/console-api/types.js';
import type { CallTarget } from '../../../shared/rpc/call.js';
import { Fifo } from '../../../shared/rpc/fifo.js';
import type { Feed } from '../feed/feed.js';
import type { LogLevel } from '../../../shared/log.js';

/** One console connection, as the invoker and the manager see it. */
export interface ConsoleLink {
  readonly id: string;
  readonly spec: TargetSpec;
  readonly state: ConnectionState;
  info(): ConnectionInfo;
  /** The open connection's call target; connects first if needed (rejects with RpcError 102 and the like). */
  ready(): Promise<CallTarget>;
  /** What the last message sent on this link was; set while sending, so read it right after a call is made. */
  readonly lastSent: { sequence: number; size: number } | undefined;
  /** Whether it goes to the sandbox (a gateway's listener or its broker) and must close with it. */
  readonly usesSandbox: boolean;
  close(): Promise<void>;
}

/** What links need from the host. */
export interface LinkContext {
  feed: Feed;
  /** Tells the bridges the link's ConnectionInfo changed. */
  changed(link: ConsoleLink): void;
  log(level: LogLevel, message: string): void;
}

/** Entries recorded before the console knew who it is at the gateway, re-keyed once it does. */
export class ProvisionalEntries {
  private readonly ids = new Fifo<number>();

  constructor(private readonly max = 1000) {}

  /** The newest `max` are kept, at O(1) each (splicing the oldest off cost O(max) per entry). */
  add(id: number): void {
    this.ids.push(id);
    if (this.ids.length > this.max) this.ids.shift();
  }

  /**
   * Replaces the provisional caller in these entries' correlation keys and fills in the user and
   * gateway, then has subscribers that got them get them again.
   */
  settle(feed: Feed, provisional: string, actual: string, userId: string, gateway: string): void {
    const settled: number[] = [];
    for (const id of this.ids) {
      const e = feed.get(id);
      if (!e) continue;
      const correlation = e.correlation.endsWith(`:${provisional}`)
        ? `${e.correlation.slice(0, -provisional.length)}${actual}`
        : e.correlation;
      feed.amend(id, e.userId === undefined ? { correlation, userId, gateway } : { correlation });
      settled.push(id);
    }
    this.ids.clear();
    feed.revise(settled);
  }

  clear(): void {
    this.ids.clear();
  }
}
