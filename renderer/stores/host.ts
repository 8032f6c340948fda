import { create } from 'zustand';
import type { AppInfo, ConnectionInfo, SandboxState } from '../../shared/console-api/index.js';
import { connectBridge, type BridgeLink, type LinkState } from '../bridge/index.js';
import { messageOf } from '../../shared/message-of.js';

/** The renderer's one bridge to the host. */
export const host: BridgeLink = connectBridge();

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  time: number;
}

const MAX_LOG = 200;

interface HostState {
  link: LinkState;
  app: AppInfo | null;
  connections: Record<string, ConnectionInfo>;
  sandbox: SandboxState;
  log: LogLine[];
  addLog(line: Omit<LogLine, 'time'> & { time?: number }): void;
}

/** What the status bar shows: the link to the host, connections, the sandbox, the last log lines. */
export const useHost = create<HostState>()((set) => ({
  link: host.state,
  app: null,
  connections: {},
  sandbox: { state: 'stopped' },
  log: [],
  addLog: (line) => set((s) => ({ log: [...s.log.slice(-(MAX_LOG - 1)), { time: Date.now(), ...line }] })),
}));

export const logError = (what: string, error: unknown): void =>
  useHost.getState().addLog({ level: 'error', message: `${what}: ${messageOf(error)}` });

host.onState((link) => useHost.setState({ link }));
host.on('connection.state', (info) =>
  useHost.setState((s) => ({ connections: { ...s.connections, [info.id]: info } })),
);
host.on('sandbox.state', (sandbox) => useHost.setState({ sandbox }));
host.on('log', (line) => useHost.getState().addLog(line));

/** Reloads what the host knows after (re)connecting. */
export async function refreshHostState(): Promise<void> {
  const [app, list, sandbox] = await Promise.all([
    host.call('app.info', {}),
    host.call('connection.list', {}),
    host.call('sandbox.state', {}),
  ]);
  useHost.setState({ app, sandbox, connections: Object.fromEntries(list.map((c) => [c.id, c])) });
}

/** A stable empty list for selectors (a new [] per call would re-render forever). */
export const NO_PROJECTS: readonly string[] = [];
