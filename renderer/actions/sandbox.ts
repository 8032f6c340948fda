import type { SandboxMode } from '../../shared/console-api/index.js';
import { host, useHost } from '../stores/host.js';

export async function startSandbox(mode: SandboxMode = 'full'): Promise<void> {
  useHost.setState({ sandbox: { state: 'starting' } });
  try {
    useHost.setState({ sandbox: await host.call('sandbox.start', mode === 'full' ? {} : { mode }) });
  } catch (e) {
    useHost.setState({ sandbox: { state: 'failed', reason: e instanceof Error ? e.message : String(e) } });
    throw e;
  }
}

export async function stopSandbox(): Promise<void> {
  useHost.setState({ sandbox: await host.call('sandbox.stop', {}) });
}
