import type { BrokerState, MqAddress } from '../../shared/rpc/connection.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

/** Holds a broker's state and tells subscribers about every change; a throwing listener is logged, not fatal. */
export class BrokerStateEmitter {
  private readonly listeners = new Set<(state: BrokerState) => void>();

  constructor(
    private state: BrokerState,
    private readonly log: Log,
  ) {}

  get current(): BrokerState {
    return this.state;
  }

  subscribe(listener: (state: BrokerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(state: BrokerState): void {
    if (this.state.state === 'closed') return; // final
    this.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (err) {
        this.log('error', `a broker state listener threw: ${messageOf(err)}`);
      }
    }
  }
}

/** `queue "mq_server"`, `topic "mq_gateway_broadcast"`, for messages and logs. */
export function describeNode(address: MqAddress): string {
  return `${address.type} "${address.name}${address.subject ? `/${address.subject}` : ''}"`;
}
