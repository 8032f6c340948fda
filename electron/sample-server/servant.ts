import { CallType } from '../../shared/wire/message.js';
import { callbackTarget, MqCaller } from '../../shared/rpc/mq-adapter.js';
import { pushTarget, type MqWriters } from '../../shared/rpc/mq-writers.js';
import type { CallContext } from '../../shared/rpc/servant.js';
import { ITerminalProxy, ServerServant } from './generated/test.js';
import type { Log } from '../../shared/log.js';

/** What `bidirection()` pushes to its caller (the original cluster example's text). */
export const PUSH_MESSAGE = 'server push message!';
/** What the broadcast demonstration pushes, so a client can tell which path delivered it. */
export const BROADCAST_PUSH_MESSAGE = 'server push message! (broadcast)';
/** timeout(secs) waits at most this long: a call must not park the server for years. */
const MAX_TIMEOUT_SECS = 3600;

export interface SampleServantOptions {
  /** One line per call. */
  log: Log;
  /**
   * The broadcast demonstration (spec §7.5 flow 5): `bidirection()` over MQ also publishes
   * BROADCAST_PUSH_MESSAGE for the caller's user id to this topic endpoint, which every gateway
   * reads and delivers only if it holds that user's connection.
   */
  broadcast?: { writers: () => MqWriters | undefined; endpoint: string };
}

/**
 * The back end of the TCE cluster example (idl-samples/test.idl `test.Server`), written on the
 * generated servant base. Every call logs a line with its arguments, extra and user id.
 */
export class SampleServant extends ServerServant {
  private readonly log: Log;
  private readonly broadcast: SampleServantOptions['broadcast'];
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; done: () => void }>();

  constructor(options: SampleServantOptions) {
    super();
    this.log = options.log;
    this.broadcast = options.broadcast;
  }

  echo(text: string, ctx: CallContext): string {
    this.logCall('echo', [text], ctx);
    return 'Yah! ' + text;
  }

  timeout(secs: number, ctx: CallContext): Promise<void> {
    this.logCall('timeout', [secs], ctx);
    return this.sleep(Math.min(Math.max(secs, 0), MAX_TIMEOUT_SECS) * 1000);
  }

  heartbeat(hello: string, ctx: CallContext): void {
    this.logCall('heartbeat', [hello], ctx);
  }

  /** Pushes ITerminal.onMessage one-way to the caller: on its connection, or through the gateway it came from. */
  bidirection(ctx: CallContext): void {
    this.logCall('bidirection', [], ctx);
    new ITerminalProxy(callbackTarget(ctx)).onMessageOneway(PUSH_MESSAGE);
    const writers = this.broadcast?.writers();
    if (this.broadcast && writers && ctx.connection instanceof MqCaller && ctx.userId !== undefined) {
      new ITerminalProxy(pushTarget(writers, this.broadcast.endpoint, ctx.userId)).onMessageOneway(
        BROADCAST_PUSH_MESSAGE,
      );
    }
  }

  datetime(ctx: CallContext): string {
    this.logCall('datetime', [], ctx);
    return new Date().toISOString();
  }

  /** Ends pending timeout() calls at once (they answer), so a closing server need not wait for them. */
  wakeAll(): void {
    for (const sleeper of [...this.sleeping]) {
      clearTimeout(sleeper.timer);
      sleeper.done();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => sleeper.done(), ms),
        done: () => {
          this.sleeping.delete(sleeper);
          resolve();
        },
      };
      this.sleeping.add(sleeper);
    });
  }

  /** `echo("hello") extra={"name":"scott.bo"} user=1 from=tcp://127.0.0.1:50123` */
  private logCall(name: string, args: unknown[], ctx: CallContext): void {
    const { calltype } = ctx.message;
    const mode = (calltype & CallType.ONEWAY) !== 0 ? ' oneway' : (calltype & CallType.ASYNC) !== 0 ? ' async' : '';
    this.log(
      'info',
      `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})${mode} extra=${JSON.stringify(ctx.extra)} user=${ctx.userId ?? '-'} from=${ctx.connection.description}`,
    );
  }
}
