// The runtime surface that generated code and applications import as `tce-console/runtime`.
export { ByteReader, ByteWriter } from './wire/bytes.js';
export { WireError } from './wire/errors.js';
export type { Extra, RpcMessage } from './wire/message.js';
export type { CallMode, CallOptions, CallTarget, OnewayOptions, OutgoingCall } from './rpc/call.js';
export { ErrorCode, RpcError, errorCodeName, errorDescription } from './rpc/errors.js';
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
export { RpcClient, type ClientState, type Dialer, type ReconnectOptions, type RpcClientOptions } from './rpc/client.js';
export { RpcServer, type ConnectionListener, type RpcServerOptions, type ServerEvent } from './rpc/server.js';
export type { CloseReason, MessageConnection } from './rpc/connection.js';
