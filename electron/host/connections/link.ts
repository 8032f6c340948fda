import type { ConnectionInfo, ConnectionState, FeedEntry, TargetSpec } from '../../../shared/console-api/types.js';
import type { CallTarget } from '../../../shared/rpc/call.js';
import { forgetSearchText } from '../../../shared/console-api/feed-filter.js';
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
  private readonly entries = new Fifo<FeedEntry>();

  constructor(private readonly max = 1000) {}

  /** The newest `max` are kept, at O(1) each (splicing the oldest off cost O(max) per entry). */
  add(entry: FeedEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.max) this.entries.shift();
  }

  /** Replaces the provisional caller in these entries' correlation keys, fills in the user and gateway; returns them. */
  settle(provisional: string, actual: string, userId: string, gateway: string): FeedEntry[] {
    const settled = [...this.entries];
    for (const e of settled) {
      forgetSearchText(e);
      if (e.correlation.endsWith(`:${provisional}`))
        e.correlation = `${e.correlation.slice(0, -provisional.length)}${actual}`;
      if (e.userId === undefined) {
        e.userId = userId;
        e.gateway = gateway;
      }
    }
    this.entries.clear();
    return settled;
  }

  clear(): void {
    this.entries.clear();
  }
}
