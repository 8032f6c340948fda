import { Adapter, type DispatchFailure } from '../../shared/rpc/adapter.js';
import type { Broker } from '../../shared/rpc/connection.js';
import type { MqAdapter } from '../../shared/rpc/mq-adapter.js';
import { serveQueues } from '../../shared/rpc/mq-back-end.js';
import { RpcServer } from '../../shared/rpc/server.js';
import type { BackEndEndpoints } from '../../shared/project/index.js';
import { serve } from '../transports/serve.js';
import type { TlsServerOptions } from '../transports/tcp.js';
import { SampleServant } from './servant.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

/**
 * The sample back end of the TCE cluster example (idl-samples/test.idl), in-process: the
 * `tce-sample-server` CLI runs it, and the console's sandbox embeds it (with the in-memory
 * broker). It serves sockets (spec §3.1, §3.3), message queues (spec §3.4), or both at once.
 */
export interface SampleServerOptions {
  /** Socket mode: `tcp://`, `ws://`, `tls://`, `wss://` URLs to listen on (port 0 = any free port). */
  listen?: readonly string[];
  /** Key and certificate for tls:// and wss:// listeners. */
  tls?: TlsServerOptions;
  /** Socket connections open at once; more are refused and logged. Default 10 000 (RpcServer's). */
  maxConnections?: number;
  /** Milliseconds a socket connection may go without traffic before it is closed. Default 300 000 (listen()'s), 0 = never. */
  idleTimeout?: number;
  /** MQ mode: consume the read endpoints, answer and push through the write endpoints. */
  mq?: SampleMqOptions;
  /** One line per call, and warnings. Default: nowhere. */
  log?: Log;
}

export interface SampleMqOptions {
  /** The caller owns it: closing the sample server leaves it open. */
  broker: Broker;
  /** A config.yml section's endpoints, from backEndEndpoints(config, section). */
  endpoints: BackEndEndpoints;
  /** Name of a write endpoint (a topic) for the broadcast demonstration; see SampleServantOptions. */
  broadcast?: string;
  /** Acknowledge CALLs on receipt, as the original (a back end that dies loses what it held); default: once answered. */
  ackOnReceipt?: boolean;
}

export interface SampleServer {
  /** The listeners' URLs with their real ports. */
  readonly listening: readonly string[];
  /** The MQ endpoints consumed. */
  readonly serving: readonly string[];
  /** The socket side, if listening (connections, traffic events). */
  readonly socketServer: RpcServer | undefined;
  /** The MQ side, if serving queues (traffic events). */
  readonly mqAdapter: MqAdapter | undefined;
  /** Stops listening and consuming, answers calls still waiting in timeout(), closes connections. */
  close(): Promise<void>;
}

export async function startSampleServer(options: SampleServerOptions): Promise<SampleServer> {
  const log = options.log ?? (() => {});
  const listen = options.listen ?? [];
  if (listen.length === 0 && !options.mq) throw new Error('nothing to serve: give listen URLs, MQ endpoints, or both');
  const onFailure = (f: DispatchFailure): void => {
    const what = f.operation?.name ?? `ifidx ${f.call.ifidx} opidx ${f.call.opidx}`;
    log(
      'warn',
      `${what} from ${f.caller.description} failed with error ${f.code}${f.error === undefined ? '' : `: ${f.error instanceof Error ? f.error.message : JSON.stringify(f.error)}`}`,
    );
  };
  // Undone in this order: stop consuming, answer sleeping timeout() calls (so their CALLs are
  // acknowledged before the readers go, rather than served again elsewhere), close connections.
  let mqAdapter: MqAdapter | undefined;
  let servant: SampleServant | undefined;
  let socketServer: RpcServer | undefined;
  const close = async (): Promise<void> => {
    const closing = mqAdapter?.close();
    servant?.wakeAll();
    await closing;
    await socketServer?.close();
  };
  try {
    const broadcast = options.mq?.broadcast;
    servant = new SampleServant({
      log,
      broadcast: broadcast === undefined ? undefined : { endpoint: broadcast, writers: () => mqAdapter?.writers },
    });
    const adapter = new Adapter({ onFailure }).add(servant);
    if (options.mq) {
      const { broker, endpoints } = options.mq;
      if (broadcast !== undefined && !endpoints.write.some((e) => e.name === broadcast)) {
        throw new Error(
          `broadcast endpoint "${broadcast}" is not among the section's write endpoints (${endpoints.write.map((e) => e.name).join(', ') || 'none'})`,
        );
      }
      mqAdapter = await serveQueues({ broker, endpoints, adapter, log, ackOnReceipt: options.mq.ackOnReceipt });
    }
    const listening: string[] = [];
    if (listen.length > 0) {
      socketServer = new RpcServer({ adapter, log, maxConnections: options.maxConnections });
      for (const url of listen) {
        try {
          listening.push((await serve(socketServer, url, { tls: options.tls, idleTimeout: options.idleTimeout })).url);
        } catch (error) {
          throw new Error(`cannot listen on ${url}: ${messageOf(error)}`, { cause: error });
        }
      }
    }
    return { listening, serving: [...(mqAdapter?.serving ?? [])], socketServer, mqAdapter, close };
  } catch (error) {
    await close();
    throw error;
  }
}
