// The runtime surface that generated code and applications import as `tce-console/runtime`.
export { ByteReader, ByteWriter } from './wire/bytes.js';
export { WireError } from './wire/errors.js';
export type { Extra, RpcMessage } from './wire/message.js';
export type { CallMode, CallOptions, CallTarget, OnewayOptions, OutgoingCall } from './rpc/call.js';
export { ErrorAnswer, ErrorCode, RpcError, errorCodeName, errorDescription } from './rpc/errors.js';
export { NO_PARAMS, Proxy, type ParamEncoder, type ResultDecoder } from './rpc/proxy.js';
export {
  OperationTable,
  Servant,
  type CallContext,
  type CallerConnection,
  type OperationHandler,
  type OperationOptions,
  type ServantOperation,
} from './rpc/servant.js';
export { Adapter, type AdapterOptions, type DispatchFailure } from './rpc/adapter.js';
export { RpcPeer, callerTarget, type RpcPeerOptions, type TrafficEvent, type TrafficListener } from './rpc/peer.js';
export { RpcClient, type ClientState, type Dialer, type RpcClientOptions } from './rpc/client.js';
export type { BackoffOptions } from './rpc/backoff.js';
export { setTracing, TRACE_CATEGORIES, type Log, type LogLevel, type TraceCategory } from './log.js';
export { RpcServer, type ConnectionListener, type RpcServerOptions, type ServerEvent } from './rpc/server.js';
export type { CloseReason, MessageConnection } from './rpc/connection.js';
export type { Broker, BrokerState, MqAddress, MqReader, MqWriter } from './rpc/connection.js';
export { parseMqAddress } from './rpc/mq-address.js';
export { MqAdapter, callbackTarget, type MqAdapterOptions } from './rpc/mq-adapter.js';
export { MqCallTarget, type MqCallTargetOptions } from './rpc/mq-call-target.js';
export { MqReplies, openPrivateReplies, type MqRepliesOptions } from './rpc/mq-replies.js';
export { MqWriters, pushTarget, type MqWritersOptions } from './rpc/mq-writers.js';
export { CodecError } from './wire/errors.js';
