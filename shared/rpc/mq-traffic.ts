import type { RpcMessage } from '../wire/message.js';

/** One message crossing an MQ endpoint, for the console's feed: the MQ twin of a peer's TrafficEvent. */
export interface MqTrafficEvent {
  direction: 'in' | 'out';
  message: RpcMessage;
  /** The RpcMessage bytes: the MQ message body. */
  raw: Uint8Array;
  /** The endpoint's name (config.yml / services.xml), or the name of a queue written to by name. */
  endpoint: string;
}

export type MqTrafficListener = (event: MqTrafficEvent) => void;
