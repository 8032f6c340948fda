/** TCE error codes (spec §1.4): 4 and 6 travel on the wire; the rest are local. */
export const ErrorCode = {
  SUCC: 0,
  SENDFAILED: 1,
  TIMEOUT: 2,
  DATADIRTY: 3,
  INTERFACE_NOTFOUND: 4,
  UNSERIALIZE_FAILED: 5,
  REMOTEMETHOD_EXCEPTION: 6,
  DATA_INSUFFICIENT: 7,
  REMOTE_EXCEPTION: 8,
  CONNECT_UNREACHABLE: 101,
  CONNECT_FAILED: 102,
  CONNECT_REJECT: 103,
  CONNECTION_LOST: 104,
  INTERNAL_EXCEPTION: 105,
  TOKEN_INVALID: 106,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const DESCRIPTIONS: Record<number, string> = {
  1: 'the call could not be sent',
  2: 'no reply within the timeout',
  3: 'data dirty',
  4: 'the server has no servant for this interface or operation',
  5: 'the reply could not be decoded',
  6: 'the remote method threw',
  7: 'the data ended too early',
  8: 'remote exception',
  101: 'the peer is unreachable',
  102: 'the connection could not be established',
  103: 'the connection was rejected',
  104: 'the connection was lost before the reply arrived',
  105: 'internal error',
  106: 'the token is invalid',
};

/** A human description of a code, e.g. for 4 "the server has no servant for this interface or operation". */
export function errorDescription(code: number): string {
  return DESCRIPTIONS[code] ?? `error ${code}`;
}

export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) if (value === code) return `RPCERROR_${name}`;
  return `RPCERROR_${code}`;
}

/** A failed call: the TCE code, its name, and a human reason. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly codeName: string;

  constructor(
    readonly code: number,
    reason?: string,
    options?: { cause?: unknown },
  ) {
    super(reason ?? errorDescription(code), options);
    this.codeName = errorCodeName(code);
  }
}

/**
 * Thrown by a servant to answer its caller with this TCE error code rather than 6
 * (REMOTEMETHOD_EXCEPTION): what a mock back end's `ctx.fail(code)` and error overrides do.
 * The reason stays on this side (error RETURNs carry only the code, spec §1.5).
 */
export class ErrorAnswer extends Error {
  override readonly name = 'ErrorAnswer';

  constructor(
    readonly code: number,
    reason?: string,
  ) {
    super(reason ?? errorDescription(code));
  }
}
