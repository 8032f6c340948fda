import { create } from 'zustand';
import type {
  ArgProblem,
  Environment,
  HistoryEntry,
  InvokeMode,
  InvokeRequest,
  InvokeResult,
  JsonValue,
  SavedCall,
  TargetSpec,
} from '../../shared/console-api/index.js';

export interface ExtraRow {
  id: number;
  key: string;
  value: string;
}

/** A push that reached the call's connection while it was pending or just after, decoded. */
export interface CallPush {
  feedId: number;
  /** Milliseconds since the call was made. */
  afterMs: number;
  name: string;
  value: JsonValue | undefined;
  /** Why the payload did not decode. */
  problem?: string;
}

/** One invocation shown in the results list (several may be in flight). */
export interface CallRow {
  id: number;
  /** Names the call to the host (`invoke.cancel`, `invoke.late`). */
  callId: string;
  /** The request tab it was made from. */
  tab: number;
  request: InvokeRequest;
  started: number;
  result?: InvokeResult;
  /** The reply that came after the call was cancelled. */
  late?: InvokeResult;
  /** The host itself failed (not a TCE error, which is in `result`). */
  failure?: string;
  pushes?: CallPush[];
}

/** What a request tab holds: the form's fields. The tab in front keeps them at the top of the store. */
export interface Draft {
  target: TargetSpec | null;
  adHocUrl: string;
  selected: MethodRef | null;
  /** The JSON the user typed, per method, kept while switching between methods. */
  argsText: Record<string, string>;
  mode: InvokeMode;
  timeoutMs: number;
  extras: ExtraRow[];
}

export interface RequestTab {
  id: number;
  /** The tab's fields as last left (stale for the tab in front: the store's own fields are its truth). */
  draft: Draft;
}

export interface MethodRef {
  interface: string;
  method: string;
}

/** The saved-call dialog open in the Invoke panel: saving the form, renaming or duplicating a call. */
export type SavedCallDialog = { kind: 'save' } | { kind: 'rename'; name: string } | { kind: 'duplicate'; name: string };

interface InvokeState extends Draft {
  savedDialog: SavedCallDialog | null;
  tabs: RequestTab[];
  activeTab: number;
  argsError: string | null;
  /** What is wrong with the arguments, found before sending: listed under the parameters editor. */
  problems: ArgProblem[];
  calls: CallRow[];
  history: HistoryEntry[];
  saved: SavedCall[];
  environments: Environment[];
  activeEnvironment: string | undefined;
  collapsed: Record<string, boolean>;
}

export const MAX_CALL_ROWS = 200;

export const methodKey = (m: MethodRef): string => `${m.interface}.${m.method}`;

export const blankDraft = (target: TargetSpec | null = null): Draft => ({
  target,
  adHocUrl: 'tcp://127.0.0.1:12002',
  selected: null,
  argsText: {},
  mode: 'twoway',
  timeoutMs: 30_000,
  extras: [],
});

export const useInvoke = create<InvokeState>()(() => ({
  ...blankDraft(),
  tabs: [{ id: 1, draft: blankDraft() }],
  activeTab: 1,
  savedDialog: null,
  argsError: null,
  problems: [],
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

/** The front tab's fields, as a tab keeps them. */
export const draftOf = (s: Draft): Draft => ({
  target: s.target,
  adHocUrl: s.adHocUrl,
  selected: s.selected,
  argsText: s.argsText,
  mode: s.mode,
  timeoutMs: s.timeoutMs,
  extras: s.extras,
});

/**
 * Another project opened: the old one's results and target go with it, so no call dials the old
 * project's endpoint (the target picker offers this project's endpoints and an ad-hoc URL).
 */
export const resetForProject = (): void => useInvoke.setState({ target: null, selected: null, calls: [] });
