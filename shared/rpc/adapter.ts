import { ByteReader, ByteWriter } from '../wire/bytes.js';
import { CallType, ExtraKey, MSGTYPE_RPC, type Extra, type RpcMessage } from '../wire/message.js';
import { ErrorAnswer, ErrorCode } from './errors.js';
import {
  OperationTable,
  type CallContext,
  type CallerConnection,
  type Servant,
  type ServantOperation,
} from './servant.js';

/** A call the adapter could not serve: the caller got (or, for one-way, would have got) `code`. */
export interface DispatchFailure {
  /** 4 INTERFACE_NOTFOUND, 6 REMOTEMETHOD_EXCEPTION, or the code of an ErrorAnswer the handler threw. */
  code: number;
  call: RpcMessage;
  caller: CallerConnection;
  /** Undefined when no servant serves (ifidx, opidx). */
  operation: ServantOperation | undefined;
  /** What the handler threw (a servant error or undecodable parameters). */
  error?: unknown;
}

export interface AdapterOptions {
  /** Told of every failed dispatch: the caller only sees a bare code, the developer needs the why. */
  onFailure?: (failure: DispatchFailure) => void;
}

const key = (ifidx: number, opidx: number): number => ifidx * 0x10000 + opidx;

/** Result writers for reuse: allocating one per call is a measurable share of a call's cost. */
const spareWriters: ByteWriter[] = [];
const MAX_SPARE_WRITERS = 64;
const KEEP_WRITER = 64 * 1024;
const takeWriter = (): ByteWriter => spareWriters.pop() ?? new ByteWriter(256);
function releaseWriter(w: ByteWriter): void {
  if (w.length <= KEEP_WRITER && spareWriters.length < MAX_SPARE_WRITERS) spareWriters.push(w.reset());
}
const tableOf = (servant: Servant | OperationTable): OperationTable =>
  servant instanceof OperationTable ? servant : servant.operations;

/**
 * The servant registry of a server or of a client that accepts calls back (spec §6.1, §6.4),
 * and the dispatch rules (spec §2.3, §2.4, §9.4): unknown interface or operation → 4, a
 * throwing servant or undecodable parameters → 6, every non-one-way CALL answered (void and
 * falsy results included), one-way CALLs never answered, not even with an error. A servant
 * that throws an ErrorAnswer is answered with its code instead of 6.
 */
export class Adapter {
  private readonly operations = new Map<number, ServantOperation>();
  private readonly onFailure: AdapterOptions['onFailure'];

  constructor(options: AdapterOptions = {}) {
    this.onFailure = options.onFailure;
  }

  /** Serves every operation of the servant; throws if another servant already serves one of them. */
  add(servant: Servant | OperationTable): this {
    const table = tableOf(servant);
    const ops = [...table.operations()];
    for (const op of ops) {
      const existing = this.operations.get(key(op.ifidx, op.opidx));
      if (existing)
        throw new Error(`${op.name} (ifidx ${op.ifidx}, opidx ${op.opidx}) is already served by ${existing.name}`);
    }
    for (const op of ops) this.operations.set(key(op.ifidx, op.opidx), op);
    return this;
  }

  /** Stops serving the servant's operations. */
  remove(servant: Servant | OperationTable): this {
    const table = tableOf(servant);
    for (const op of table.operations()) {
      if (this.operations.get(key(op.ifidx, op.opidx)) === op) this.operations.delete(key(op.ifidx, op.opidx));
    }
    return this;
  }

  operation(ifidx: number, opidx: number): ServantOperation | undefined {
    return this.operations.get(key(ifidx, opidx));
  }

  /**
   * Runs the servant for one CALL and hands `respond` the RETURN to send, if one is due.
   * `userId` becomes ctx.userId. Synchronous handlers respond before this returns; for
   * asynchronous ones the returned promise settles (never rejects) once they are done.
   * `respondCopies`: respond is done with the reply when it returns (it writes or copies the
   * bytes at once), so the RETURN's params may be a view into a result writer reused afterwards
   * instead of a copy of their own.
   */
  dispatch(
    call: RpcMessage,
    caller: CallerConnection,
    userId: string | undefined,
    respond: (reply: RpcMessage) => void,
    respondCopies = false,
  ): Promise<void> | undefined {
    const oneway = (call.calltype & CallType.ONEWAY) !== 0;
    const op = this.operations.get(key(call.ifidx, call.opidx));
    if (!op) {
      this.fail(ErrorCode.INTERFACE_NOTFOUND, call, caller, undefined, undefined, oneway, respond);
      return undefined;
    }
    const ctx: CallContext = { extra: call.extra, userId, connection: caller, message: call, replyExtra: {} };
    const result = takeWriter();
    let pending: void | Promise<void>;
    try {
      pending = op.handler(new ByteReader(call.params), ctx, result);
    } catch (error) {
      this.failed(call, caller, op, result, error, oneway, respond);
      return undefined;
    }
    // The synchronous path allocates no closures: most servant methods are synchronous.
    if (!pending) {
      this.answer(call, ctx, result, op, oneway, respond, respondCopies);
      return undefined;
    }
    return pending.then(
      () => this.answer(call, ctx, result, op, oneway, respond, respondCopies),
      (error: unknown) => this.failed(call, caller, op, result, error, oneway, respond),
    );
  }

  private answer(
    call: RpcMessage,
    ctx: CallContext,
    result: ByteWriter,
    op: ServantOperation,
    oneway: boolean,
    respond: (reply: RpcMessage) => void,
    respondCopies: boolean,
  ): void {
    if (oneway) return releaseWriter(result);
    const reply = valueReturn(
      call,
      ctx.replyExtra,
      respondCopies ? result.written() : result.finish(),
      op.returnsValue,
    );
    try {
      respond(reply);
    } finally {
      releaseWriter(result);
    }
  }

  private failed(
    call: RpcMessage,
    caller: CallerConnection,
    op: ServantOperation,
    result: ByteWriter,
    error: unknown,
    oneway: boolean,
    respond: (reply: RpcMessage) => void,
  ): void {
    releaseWriter(result);
    this.fail(
      error instanceof ErrorAnswer ? error.code : ErrorCode.REMOTEMETHOD_EXCEPTION,
      call,
      caller,
      op,
      error,
      oneway,
      respond,
    );
  }

  private fail(
    code: number,
    call: RpcMessage,
    caller: CallerConnection,
    operation: ServantOperation | undefined,
    error: unknown,
    oneway: boolean,
    respond: (reply: RpcMessage) => void,
  ): void {
    this.onFailure?.({ code, call, caller, operation, error });
    if (!oneway) respond(errorReturn(call, code));
  }
}

/** The RETURN of a served call: copies sequence, ifidx, opidx, call_id and `__user_id__` (spec §2.3). */
function valueReturn(
  call: RpcMessage,
  replyExtra: Extra,
  result: Uint8Array,
  returnsValue: boolean | undefined,
): RpcMessage {
  const userId = call.extra[ExtraKey.userId];
  if (userId !== undefined) replyExtra[ExtraKey.userId] = userId;
  return {
    type: MSGTYPE_RPC,
    sequence: call.sequence,
    calltype: CallType.RETURN,
    ifidx: call.ifidx,
    opidx: call.opidx,
    errcode: 0,
    paramsize: (returnsValue ?? result.length > 0) ? 1 : 0,
    callId: call.callId,
    extra: replyExtra,
    params: result,
  };
}

/**
 * An error RETURN as spec §1.5 (ifidx = opidx = 0, no params), but keeping call_id and
 * `__user_id__` so a gateway can route it back to its client (§9.4; wire-compatible).
 */
export function errorReturn(call: Pick<RpcMessage, 'sequence' | 'callId' | 'extra'>, code: number): RpcMessage {
  const userId = call.extra[ExtraKey.userId];
  return {
    type: MSGTYPE_RPC,
    sequence: call.sequence,
    calltype: CallType.RETURN,
    ifidx: 0,
    opidx: 0,
    errcode: code,
    paramsize: 0,
    callId: call.callId,
    extra: userId === undefined ? {} : { [ExtraKey.userId]: userId },
    params: new Uint8Array(0),
  };
}
