import { create } from 'zustand';
import type { AttachmentInfo, StartProxyParams, TargetSpec } from '../../shared/console-api/index.js';
import { host } from '../stores/host.js';

/** The console's attachments (recording proxies, broker taps) as the host reports them. */
export const useAttach = create<{ attachments: AttachmentInfo[] }>()(() => ({ attachments: [] }));

const set = (attachments: AttachmentInfo[]): void => useAttach.setState({ attachments });

export async function startProxy(upstream: TargetSpec, listen: string | undefined): Promise<AttachmentInfo> {
  const params: StartProxyParams = listen === undefined ? { upstream } : { upstream, listen };
  const info = await host.call('attach.proxy.start', params);
  set(await host.call('attach.list', {}));
  return info;
}

export async function startTap(amqpUrl: string): Promise<AttachmentInfo> {
  const info = await host.call('attach.tap.start', amqpUrl.trim() ? { amqpUrl: amqpUrl.trim() } : {});
  set(await host.call('attach.list', {}));
  return info;
}

export async function stopAttachment(a: AttachmentInfo): Promise<void> {
  set(await host.call(a.kind === 'proxy' ? 'attach.proxy.stop' : 'attach.tap.stop', { id: a.id }));
}

export const stopAllAttachments = async (): Promise<void> => {
  for (const a of useAttach.getState().attachments) await stopAttachment(a);
};

/** `host:port` of a listen URL, for a short label. */
export const hostPort = (url: string): string => url.replace(/^[a-z]+:\/\//, '').replace(/\/$/, '');

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host.trim());

/** The vhost a broker URL names (`/` when it names none), or undefined when it does not parse. */
export function vhostOf(url: string): string | undefined {
  try {
    const path = new URL(url.trim()).pathname;
    return path.length > 1 ? decodeURIComponent(path.slice(1)) : '/';
  } catch {
    return undefined;
  }
}

const refresh = (): void => void host.call('attach.list', {}).then(set, () => undefined);
host.on('attach.state', set);
// After (re)connecting: a host that outlived the page may hold attachments already.
host.onState((link) => link.state === 'open' && refresh());
if (host.state.state === 'open') refresh();
