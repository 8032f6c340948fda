import type { SandboxMode } from '../../shared/console-api/index.js';
import { host, useHost } from '../stores/host.js';
import { messageOf } from '../../shared/message-of.js';

export async function startSandbox(mode: SandboxMode = 'full'): Promise<void> {
  useHost.setState({ sandbox: { state: 'starting' } });
  try {
    useHost.setState({ sandbox: await host.call('sandbox.start', mode === 'full' ? {} : { mode }) });
  } catch (e) {
    useHost.setState({ sandbox: { state: 'failed', reason: messageOf(e) } });
    throw e;
  }
}

export async function stopSandbox(): Promise<void> {
  useHost.setState({ sandbox: await host.call('sandbox.stop', {}) });
}
