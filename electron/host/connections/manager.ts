import { randomBytes } from 'node:crypto';
import { ConsoleError } from '../../../shared/console-api/api.js';
import type { ConnectionInfo, OpenConnectionParams, TargetSpec } from '../../../shared/console-api/types.js';
import type { IdlModel } from '../../../shared/idl/model.js';
import type { ServicesModel } from '../../../shared/project/model.js';
import type { ModelCodec } from '../../../shared/wire/codec.js';
import type { ConsoleLink, LinkContext } from './link.js';
import { QueueLink } from './queue-link.js';
import { StreamLink } from './stream-link.js';
import { resolveTarget, type SandboxView } from './targets.js';
import { messageOf } from '../../../shared/message-of.js';

export interface ConnectionsContext extends LinkContext {
  services(): ServicesModel | undefined;
  model(): { model: IdlModel; codec: ModelCodec } | undefined;
  sandbox(): SandboxView | undefined;
}

const sameTarget = (a: TargetSpec, b: TargetSpec): boolean =>
  a.kind === 'url'
    ? b.kind === 'url' && a.url.trim() === b.url.trim()
    : b.kind === 'endpoint' && a.endpoint === b.endpoint;

/** The console's client connections: opened on request, listed, reused by invoke, closed with the host. */
export class ConnectionManager {
  private readonly links = new Map<string, ConsoleLink>();
  private nextId = 1;
  /** One per host run: connections tell their device ids apart by the counter after it. */
  private readonly devicePrefix = `tce-console-${randomBytes(3).toString('hex')}`;

  constructor(private readonly ctx: ConnectionsContext) {}

  list(): ConnectionInfo[] {
    return [...this.links.values()].map((l) => l.info());
  }

  get(id: string): ConsoleLink {
    const link = this.links.get(id);
    if (!link)
      throw new ConsoleError(
        'not-found',
        `no connection "${id}" (open: ${[...this.links.keys()].join(', ') || 'none'})`,
      );
    return link;
  }

  /** Connects now; a target that cannot be reached is an `io` error and leaves nothing behind. */
  async open(params: OpenConnectionParams): Promise<ConsoleLink> {
    const link = this.create(params);
    try {
      await link.ready();
    } catch (error) {
      this.links.delete(link.id);
      await link.close().catch(() => undefined);
      const reason = messageOf(error);
      throw new ConsoleError(
        'io',
        reason.includes(link.info().url) ? reason : `cannot connect to ${link.info().url}: ${reason}`,
      );
    }
    return link;
  }

  /** The open link to this target, or a new one (connected by the first call). */
  forTarget(spec: TargetSpec): ConsoleLink {
    for (const link of [...this.links.values()]) {
      if (!sameTarget(link.spec, spec)) continue;
      if (link.state.state !== 'closed') return link;
      // A failed earlier attempt: replaced, not kept alongside.
      this.links.delete(link.id);
      void link.close().catch(() => undefined);
    }
    return this.create({ target: spec });
  }

  async close(id: string): Promise<void> {
    const link = this.get(id);
    this.links.delete(id);
    await link.close();
  }

  async closeAll(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((l) => l.close().catch(() => undefined)));
  }

  /** Closes the links to the sandbox's gateways and through its broker, which are about to stop. */
  async closeSandboxLinks(): Promise<void> {
    const inSandbox = [...this.links.values()].filter((l) => l.usesSandbox);
    for (const l of inSandbox) this.links.delete(l.id);
    await Promise.all(inSandbox.map((l) => l.close().catch(() => undefined)));
  }

  /** The project changed: serve its push interfaces. */
  modelChanged(): void {
    const current = this.ctx.model();
    for (const link of this.links.values()) {
      if (!(link instanceof StreamLink)) continue;
      link.setModel(current?.model, () => this.ctx.model()!.codec);
      this.ctx.changed(link);
    }
  }

  /** The console's stream connections that a sandbox gateway has told their user id. */
  atGateways(): { id: string; gateway: string; userId: string }[] {
    return [...this.links.values()].flatMap((l) =>
      l instanceof StreamLink && l.atGateway ? [{ id: l.id, ...l.atGateway }] : [],
    );
  }

  /** A sandbox gateway reports the `__device_id__` a client sent from `userId`. */
  learnDevice(deviceId: string, userId: string, gateway: string): void {
    for (const link of this.links.values())
      if (link instanceof StreamLink && link.deviceId === deviceId) link.learn(userId, gateway);
  }

  private create(params: OpenConnectionParams): ConsoleLink {
    const resolved = resolveTarget(params.target, this.ctx.services(), this.ctx.sandbox(), process.env);
    const id = `c${this.nextId++}`;
    const endpoint =
      params.target.kind === 'endpoint'
        ? params.target.endpoint
        : resolved.kind === 'stream'
          ? resolved.url
          : resolved.display;
    let link: ConsoleLink;
    if (resolved.kind === 'stream') {
      const stream = new StreamLink(
        {
          id,
          spec: params.target,
          url: resolved.url,
          transport: resolved.transport,
          endpoint,
          token: params.token,
          deviceId: params.deviceId ?? `${this.devicePrefix}-${id}`,
          viaSandbox: resolved.gateway !== undefined,
        },
        this.ctx,
      );
      const current = this.ctx.model();
      stream.setModel(current?.model, () => this.ctx.model()!.codec);
      link = stream;
    } else {
      link = new QueueLink(
        {
          id,
          spec: params.target,
          queue: resolved.queue,
          broker: resolved.broker,
          display: resolved.display,
          endpoint,
        },
        this.ctx,
      );
    }
    this.links.set(id, link);
    return link;
  }
}
