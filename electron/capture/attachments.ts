import type { AttachmentInfo } from '../../shared/console-api/types.js';
import type { ConfigModel, ServicesModel } from '../../shared/project/model.js';
import type { TlsClientOptions } from '../transports/tcp.js';
import type { Feed } from '../host/feed/feed.js';
import { MqEndpoints } from './mq-endpoints.js';
import { RecordingProxy } from './proxy.js';
import { BrokerTap } from './tap.js';
import type { Log } from '../../shared/log.js';

/** What the attachments need to know of the project: its files' models (either may be missing). */
export interface AttachProject {
  services: ServicesModel | undefined;
  config: ConfigModel | undefined;
}

export interface AttachmentsOptions {
  feed: Feed;
  log: Log;
  /** Every attachment's info, whenever one starts, stops or its counters move (at most 4 times a second). */
  changed?: (infos: AttachmentInfo[]) => void;
}

export interface ProxySpec {
  listen: string;
  upstream: string;
  /** The project endpoint the upstream is, if it is one. */
  endpoint?: string;
  gateway?: string;
  tls?: TlsClientOptions;
}

type Attachment =
  | { kind: 'proxy'; id: string; proxy: RecordingProxy; spec: ProxySpec }
  | { kind: 'tap'; id: string; tap: BrokerTap; watches: string[] };

const CHANGE_INTERVAL_MS = 250;

/**
 * The attachments of one console or one `tce-capture`: recording proxies and broker taps, all
 * recording into one feed. One engine, two faces: the host's `attach.*` methods and the CLI.
 */
export class Attachments {
  private readonly items = new Map<string, Attachment>();
  private next = 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AttachmentsOptions) {}

  async startProxy(spec: ProxySpec): Promise<AttachmentInfo> {
    const id = `p${this.next++}`;
    const proxy = await RecordingProxy.start({
      id,
      listen: spec.listen,
      upstream: spec.upstream,
      endpoint: spec.endpoint ?? spec.upstream,
      gateway: spec.gateway,
      feed: this.options.feed,
      log: this.options.log,
      ...(spec.tls ? { tls: spec.tls } : {}),
      changed: () => this.soon(),
    });
    this.items.set(id, { kind: 'proxy', id, proxy, spec });
    this.options.log('info', `proxy ${proxy.listenUrl} → ${spec.upstream} recording (hop proxy)`);
    this.changedNow();
    return this.info(this.items.get(id)!);
  }

  /** Throws TracingOffError when the vhost's firehose is off, and a clear Error for anything else. */
  async startTap(amqpUrl: string, project: AttachProject): Promise<AttachmentInfo> {
    const endpoints = new MqEndpoints(project.services, project.config);
    if (endpoints.size === 0)
      throw new Error('the project has no message-queue endpoints (qpid) for a broker tap to keep');
    const id = `t${this.next++}`;
    const tap = await BrokerTap.start({
      id,
      amqpUrl,
      feed: this.options.feed,
      endpoints,
      log: this.options.log,
      changed: () => this.soon(),
    });
    this.items.set(id, { kind: 'tap', id, tap, watches: endpoints.describe() });
    this.options.log('info', `tap on ${tap.url} (vhost ${tap.vhost}) recording (hop queue)`);
    this.changedNow();
    return this.info(this.items.get(id)!);
  }

  /** Stops one attachment; false when there is none with that id. */
  async stop(id: string, kind?: 'proxy' | 'tap'): Promise<boolean> {
    const item = this.items.get(id);
    if (!item || (kind !== undefined && item.kind !== kind)) return false;
    this.items.delete(id);
    await (item.kind === 'proxy' ? item.proxy.close() : item.tap.close());
    this.changedNow();
    return true;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.items.keys()].map((id) => this.stop(id)));
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  list(): AttachmentInfo[] {
    return [...this.items.values()].map((a) => this.info(a));
  }

  private info(a: Attachment): AttachmentInfo {
    if (a.kind === 'proxy') {
      const { proxy, spec } = a;
      return {
        kind: 'proxy',
        id: a.id,
        state: 'running',
        listen: proxy.listenUrl,
        upstream: spec.upstream,
        endpoint: spec.endpoint ?? spec.upstream,
        ...(spec.gateway === undefined ? {} : { gateway: spec.gateway }),
        ...proxy.counters,
        ...(proxy.lastError === undefined ? {} : { lastError: proxy.lastError }),
      };
    }
    const { tap } = a;
    return {
      kind: 'tap',
      id: a.id,
      state: tap.running ? 'running' : 'stopped',
      url: tap.url,
      vhost: tap.vhost,
      watches: a.watches,
      ...tap.counters,
      ...(tap.running ? {} : { lastError: 'the broker closed the connection' }),
    };
  }

  /** Counters moved: one change event per interval, not one per frame. */
  private soon(): void {
    if (this.timer || !this.options.changed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.options.changed?.(this.list());
    }, CHANGE_INTERVAL_MS);
    this.timer.unref();
  }

  private changedNow(): void {
    this.options.changed?.(this.list());
  }
}
