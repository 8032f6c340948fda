// The runtime surface that generated code and applications import as `tce-console/runtime`.
export { ByteReader, ByteWriter } from './wire/bytes.js';
export { WireError } from './wire/errors.js';
export type { Extra, RpcMessage } from './wire/message.js';
export type { CallMode, CallOptions, CallTarget, OnewayOptions, OutgoingCall } from './rpc/call.js';
export { ErrorCode, RpcError, errorCodeName } from './rpc/errors.js';
export { NO_PARAMS, Proxy, type ParamEncoder, type ResultDecoder } from './rpc/proxy.js';
export { OperationTable, Servant, type CallContext, type CallerConnection, type OperationHandler, type ServantOperation } from './rpc/servant.js';
