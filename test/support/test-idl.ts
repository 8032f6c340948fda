// Hand-written in the shape of tce2ts output for idl-samples/test.idl (module `test`,
// unannotated: BaseServer 0, ITerminalGatewayServer 1, Server 2, ITerminal 3), until the
// generated code replaces it. Inherited operations keep the base's (ifidx, opidx) (spec §1.7).
import {
  NO_PARAMS,
  OperationTable,
  Proxy,
  Servant,
  type ByteWriter,
  type CallContext,
  type CallOptions,
  type OnewayOptions,
} from 'tce-console/runtime';

type Result<T> = T | Promise<T>;

/** Writes a servant's result now or when its promise resolves. */
function reply<T>(value: Result<T>, write: (v: T) => void): void | Promise<void> {
  if (value instanceof Promise) return value.then(write);
  write(value);
}

export class BaseServerProxy extends Proxy {
  datetime(options?: CallOptions): Promise<string> {
    return this.invoke(0, 0, 0, NO_PARAMS, (r) => r.string(), options);
  }
}

export class ITerminalGatewayServerProxy extends Proxy {
  ping(options?: CallOptions): Promise<void> {
    return this.invoke(1, 0, 0, NO_PARAMS, null, options);
  }
  pingOneway(options?: OnewayOptions): void {
    this.invokeOneway(1, 0, 0, NO_PARAMS, options);
  }
}

export class ServerProxy extends BaseServerProxy {
  echo(text: string, options?: CallOptions): Promise<string> {
    return this.invoke(
      2,
      0,
      1,
      (w) => w.string(text),
      (r) => r.string(),
      options,
    );
  }
  timeout(secs: number, options?: CallOptions): Promise<void> {
    return this.invoke(2, 1, 1, (w) => w.i32(secs), null, options);
  }
  timeoutOneway(secs: number, options?: OnewayOptions): void {
    this.invokeOneway(2, 1, 1, (w) => w.i32(secs), options);
  }
  heartbeat(hello: string, options?: CallOptions): Promise<void> {
    return this.invoke(2, 2, 1, (w) => w.string(hello), null, options);
  }
  heartbeatOneway(hello: string, options?: OnewayOptions): void {
    this.invokeOneway(2, 2, 1, (w) => w.string(hello), options);
  }
  bidirection(options?: CallOptions): Promise<void> {
    return this.invoke(2, 3, 0, NO_PARAMS, null, options);
  }
  bidirectionOneway(options?: OnewayOptions): void {
    this.invokeOneway(2, 3, 0, NO_PARAMS, options);
  }
}

export class ITerminalProxy extends Proxy {
  onMessage(message: string, options?: CallOptions): Promise<void> {
    return this.invoke(3, 0, 1, (w) => w.string(message), null, options);
  }
  onMessageOneway(message: string, options?: OnewayOptions): void {
    this.invokeOneway(3, 0, 1, (w) => w.string(message), options);
  }
}

export abstract class BaseServerServant extends Servant {
  abstract datetime(ctx: CallContext): Result<string>;

  protected override describe(table: OperationTable): void {
    super.describe(table);
    table.add(
      0,
      0,
      'test.BaseServer.datetime',
      (_p, ctx, out: ByteWriter) => reply(this.datetime(ctx), (v) => out.string(v)),
      { returnsValue: true },
    );
  }
}

export abstract class ServerServant extends BaseServerServant {
  abstract echo(text: string, ctx: CallContext): Result<string>;
  abstract timeout(secs: number, ctx: CallContext): Result<void>;
  abstract heartbeat(hello: string, ctx: CallContext): Result<void>;
  abstract bidirection(ctx: CallContext): Result<void>;

  protected override describe(table: OperationTable): void {
    super.describe(table);
    table.add(2, 0, 'test.Server.echo', (p, ctx, out) => reply(this.echo(p.string(), ctx), (v) => out.string(v)), {
      returnsValue: true,
    });
    table.add(2, 1, 'test.Server.timeout', (p, ctx) => this.timeout(p.i32(), ctx), { returnsValue: false });
    table.add(2, 2, 'test.Server.heartbeat', (p, ctx) => this.heartbeat(p.string(), ctx), { returnsValue: false });
    table.add(2, 3, 'test.Server.bidirection', (_p, ctx) => this.bidirection(ctx), { returnsValue: false });
  }
}

export abstract class ITerminalServant extends Servant {
  abstract onMessage(message: string, ctx: CallContext): Result<void>;

  protected override describe(table: OperationTable): void {
    super.describe(table);
    table.add(3, 0, 'test.ITerminal.onMessage', (p, ctx) => this.onMessage(p.string(), ctx), { returnsValue: false });
  }
}
