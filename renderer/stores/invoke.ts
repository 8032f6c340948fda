import { create } from 'zustand';
import type {
  Environment,
  HistoryEntry,
  InvokeMode,
  InvokeRequest,
  InvokeResult,
  SavedCall,
  TargetSpec,
} from '../../shared/console-api/index.js';

export interface ExtraRow {
  id: number;
  key: string;
  value: string;
}

/** One invocation shown in the results list (several may be in flight). */
export interface CallRow {
  id: number;
  request: InvokeRequest;
  started: number;
  result?: InvokeResult;
  /** The host itself failed (not a TCE error, which is in `result`). */
  failure?: string;
}

export interface MethodRef {
  interface: string;
  method: string;
}

interface InvokeState {
  target: TargetSpec | null;
  adHocUrl: string;
  selected: MethodRef | null;
  /** The JSON the user typed, per method, kept while switching between methods. */
  argsText: Record<string, string>;
  argsError: string | null;
  mode: InvokeMode;
  timeoutMs: number;
  extras: ExtraRow[];
  calls: CallRow[];
  history: HistoryEntry[];
  saved: SavedCall[];
  environments: Environment[];
  activeEnvironment: string | undefined;
  collapsed: Record<string, boolean>;
}

export const MAX_CALL_ROWS = 200;

export const methodKey = (m: MethodRef): string => `${m.interface}.${m.method}`;

export const useInvoke = create<InvokeState>()(() => ({
  target: null,
  adHocUrl: 'tcp://127.0.0.1:12002',
  selected: null,
  argsText: {},
  argsError: null,
  mode: 'twoway',
  timeoutMs: 30_000,
  extras: [],
  calls: [],
  history: [],
  saved: [],
  environments: [],
  activeEnvironment: undefined,
  collapsed: {},
}));

let extraSeq = 0;
export const extraRow = (key = '', value = ''): ExtraRow => ({ id: ++extraSeq, key, value });

export const activeEnvironment = (
  s: Pick<InvokeState, 'environments' | 'activeEnvironment'>,
): Environment | undefined => s.environments.find((e) => e.name === s.activeEnvironment);

/**
 * Another project opened: the old one's results and target go with it, so no call dials the old
 * project's endpoint (the target picker offers this project's endpoints and an ad-hoc URL).
 */
export const resetForProject = (): void => useInvoke.setState({ target: null, selected: null, calls: [] });
