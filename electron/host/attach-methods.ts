import { ConsoleError, type MethodName, type MethodParams, type MethodResult } from '../../shared/console-api/api.js';
import type { AttachmentInfo, TargetSpec } from '../../shared/console-api/types.js';
import { resolveBrokerUrl } from '../../shared/project/broker-url.js';
import { Attachments } from '../capture/attachments.js';
import { TracingOffError } from '../capture/tap.js';
import { resolveUpstream } from '../capture/upstream.js';
import type { SandboxView } from './connections/targets.js';
import { messageOf } from './errors.js';
import type { Feed } from './feed/feed.js';
import type { ProjectSession } from './project-session.js';
import type { Log } from '../../shared/log.js';

type AttachMethod = Extract<MethodName, `attach.${string}`>;
type AttachHandlers = { [M in AttachMethod]: (params: MethodParams<M>) => Promise<MethodResult<M>> | MethodResult<M> };

export interface AttachContext {
  feed: Feed;
  env: NodeJS.ProcessEnv;
  project: () => ProjectSession | undefined;
  sandbox: () => SandboxView | undefined;
  /** `{{name}}` in an upstream URL, as for connections. */
  expandTarget: (target: TargetSpec) => Promise<TargetSpec>;
  log: Log;
  changed: (infos: AttachmentInfo[]) => void;
}

/** A failure to start is the user's to fix (a port taken, tracing off): said as it is, not as an internal error. */
async function starting<T>(what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof ConsoleError) throw error;
    throw new ConsoleError(error instanceof TracingOffError ? 'invalid-params' : 'io', `${what}: ${messageOf(error)}`);
  }
}

/** The host's attach.* methods over one Attachments engine (the same engine tce-capture runs). */
export function attachMethods(ctx: AttachContext): { attachments: Attachments; handlers: AttachHandlers } {
  const attachments = new Attachments({ feed: ctx.feed, log: ctx.log, changed: ctx.changed });
  const stop = async (id: string, kind: 'proxy' | 'tap'): Promise<AttachmentInfo[]> => {
    if (!(await attachments.stop(id, kind))) throw new ConsoleError('not-found', `no ${kind} attachment "${id}"`);
    return attachments.list();
  };
  const handlers: AttachHandlers = {
    'attach.proxy.start': ({ upstream, listen }) =>
      starting('attach.proxy.start', async () => {
        const resolved = resolveUpstream(await ctx.expandTarget(upstream), ctx.project()?.services, ctx.sandbox());
        const webSocket = /^wss?:/i.test(resolved.upstream);
        return attachments.startProxy({ listen: listen ?? `${webSocket ? 'ws' : 'tcp'}://127.0.0.1:0`, ...resolved });
      }),
    'attach.proxy.stop': ({ id }) => stop(id, 'proxy'),
    'attach.tap.start': ({ amqpUrl }) =>
      starting('attach.tap.start', async () => {
        const project = ctx.project();
        if (!project)
          throw new ConsoleError('no-project', 'a broker tap keeps the messages of the open project: open one first');
        const broker = resolveBrokerUrl({ cli: amqpUrl, env: ctx.env, services: project.services });
        if (!broker.ok) throw new ConsoleError('invalid-params', broker.message);
        return attachments.startTap(broker.url, { services: project.services, config: project.config });
      }),
    'attach.tap.stop': ({ id }) => stop(id, 'tap'),
    'attach.list': () => attachments.list(),
  };
  return { attachments, handlers };
}
