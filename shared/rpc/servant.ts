import type { ByteReader, ByteWriter } from '../wire/bytes.js';
import type { Extra, RpcMessage } from '../wire/message.js';

/** The peer a call came from, as far as a servant needs to know it. */
export interface CallerConnection {
  readonly id: number;
  /** A human description: remote address, queue name, … */
  readonly description: string;
}

/** What a servant method receives besides its parameters. */
export interface CallContext {
  /** The CALL's out-of-band properties. */
  readonly extra: Extra;
  /** `__user_id__` (set by a gateway, or the connection's own user id on a server). */
  readonly userId: string | undefined;
  readonly connection: CallerConnection;
  readonly message: RpcMessage;
  /** Properties copied into the RETURN's extra (besides `__user_id__`, which is always copied). */
  readonly replyExtra: Extra;
}

/** Decodes the parameters, runs the method, writes the result (nothing for void). */
export type OperationHandler = (params: ByteReader, ctx: CallContext, result: ByteWriter) => void | Promise<void>;

export interface ServantOperation {
  ifidx: number;
  opidx: number;
  /** `module.Interface.operation`, for logs and the console feed. */
  name: string;
  handler: OperationHandler;
  /**
   * Whether the operation has a non-void result: sets the RETURN's informational paramsize
   * (1 or 0, spec §1.3). Undefined = judged by whether the handler wrote any result bytes.
   */
  returnsValue?: boolean;
}

export interface OperationOptions {
  returnsValue?: boolean;
}

/** Collects the operations a servant serves, keyed by (ifidx, opidx). */
export class OperationTable {
  private readonly byKey = new Map<number, ServantOperation>();

  add(ifidx: number, opidx: number, name: string, handler: OperationHandler, options: OperationOptions = {}): void {
    this.byKey.set(ifidx * 0x10000 + opidx, { ifidx, opidx, name, handler, returnsValue: options.returnsValue });
  }

  get(ifidx: number, opidx: number): ServantOperation | undefined {
    return this.byKey.get(ifidx * 0x10000 + opidx);
  }

  interfaces(): Set<number> {
    return new Set([...this.byKey.values()].map((op) => op.ifidx));
  }

  operations(): IterableIterator<ServantOperation> {
    return this.byKey.values();
  }
}

/**
 * Base of every generated servant. Generated subclasses override `describe` (calling super
 * first), so a servant of a derived interface also answers its ancestors' operations under
 * the ancestors' interface indices.
 */
export abstract class Servant {
  private table: OperationTable | undefined;

  get operations(): OperationTable {
    if (!this.table) {
      this.table = new OperationTable();
      this.describe(this.table);
    }
    return this.table;
  }

  protected describe(_table: OperationTable): void {}
}
