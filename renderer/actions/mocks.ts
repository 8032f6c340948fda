import type {
  MockOverride,
  MocksState,
  PushRecipient,
  PushResult,
  SandboxClient,
} from '../../shared/console-api/index.js';
import type { JsonValue } from '../../shared/console-api/index.js';
import { host, logError } from '../stores/host.js';
import { useMocks } from '../stores/mocks.js';

/** Mocks and pushes: what the project's mock back ends answer, overrides, pushes sent from the console. */

export async function loadMocks(): Promise<void> {
  try {
    useMocks.setState({ state: await host.call('mocks.state', {}) });
  } catch (e) {
    // No project open: nothing to show.
    useMocks.setState({ state: null });
    if ((e as { code?: string }).code !== 'no-project') logError('mocks', e);
  }
}

export async function setOverride(iface: string, method: string, override: MockOverride | null): Promise<MocksState> {
  const state = await host.call('mocks.setOverride', { interface: iface, method, override });
  useMocks.setState({ state });
  return state;
}

export const sandboxClients = (): Promise<SandboxClient[]> => host.call('sandbox.clients', {});

export const sendPush = (iface: string, method: string, args: JsonValue, to: PushRecipient): Promise<PushResult> =>
  host.call('push.send', { interface: iface, method, args, to });

host.on('mocks.changed', (state) => useMocks.setState({ state }));
host.on('project.changed', () => void loadMocks());
host.on('project.closed', () => useMocks.setState({ state: null }));
