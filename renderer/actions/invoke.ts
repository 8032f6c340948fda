import type { Environment, InvokeRequest, JsonValue, SavedCall, TargetSpec } from '../../shared/console-api/index.js';
import { resolveOperation, type IdlModel, type ResolvedOperation } from '../../shared/idl/model.js';
import { argsProblems, type ArgProblem } from '../../shared/wire/args-problems.js';
import { createCodec, type ModelCodec } from '../../shared/wire/codec.js';
import { exampleParams } from '../../shared/wire/example.js';
import { saveAll } from './project.js';
import { connectionFor, targetUrl } from '../invoke/targets.js';
import { tceCallLine } from '../invoke/tce-call-line.js';
import { wireSignature } from '../invoke/wire-signature.js';
import { host, logError, useHost } from '../stores/host.js';
import {
  activeEnvironment,
  extraRow,
  MAX_CALL_ROWS,
  methodKey,
  useInvoke,
  type CallPush,
  type CallRow,
  type MethodRef,
} from '../stores/invoke.js';
import { toast } from '../stores/ui.js';
import { useProject, workingModel } from '../stores/project.js';
import { messageOf } from '../../shared/message-of.js';

export function resolveMethod(model: IdlModel | null, ref: MethodRef | null): ResolvedOperation | undefined {
  return model && ref ? resolveOperation(model, ref.interface, ref.method) : undefined;
}

export const currentMethod = (): ResolvedOperation | undefined =>
  resolveMethod(workingModel(useProject.getState()), useInvoke.getState().selected);

const pretty = (v: JsonValue): string => JSON.stringify(v, null, 2);

export function selectMethod(ref: MethodRef): void {
  const s = useInvoke.getState();
  const resolved = resolveMethod(workingModel(useProject.getState()), ref);
  const key = methodKey(ref);
  const argsText =
    key in s.argsText || !resolved
      ? s.argsText
      : { ...s.argsText, [key]: pretty(exampleParams(workingModel(useProject.getState())!, resolved.op)) };
  // A one-way mode stays only where it is allowed.
  const mode = s.mode === 'oneway' && resolved && resolved.op.returns.kind !== 'void' ? 'twoway' : s.mode;
  useInvoke.setState({ selected: ref, argsText, argsError: null, problems: [], mode });
}

export function setArgsText(text: string): void {
  const { selected, argsText } = useInvoke.getState();
  if (selected)
    useInvoke.setState({ argsText: { ...argsText, [methodKey(selected)]: text }, argsError: null, problems: [] });
}

const codecs = new WeakMap<IdlModel, ModelCodec>();
const codecOf = (model: IdlModel): ModelCodec => {
  let codec = codecs.get(model);
  if (!codec) codecs.set(model, (codec = createCodec(model)));
  return codec;
};

/** Every way the request's arguments do not fit the IDL (the editor's model), before anything is sent. */
export function requestProblems(request: InvokeRequest): ArgProblem[] {
  const model = workingModel(useProject.getState());
  const m = currentMethod();
  return model && m ? argsProblems(model, codecOf(model), m.op, request.args) : [];
}

export function generateExample(): void {
  const model = workingModel(useProject.getState());
  const m = currentMethod();
  if (model && m) setArgsText(pretty(exampleParams(model, m.op)));
}

/** The extra sent with a call: the environment's defaults, then the table's rows over them. */
function composeExtra(): Record<string, string> {
  const s = useInvoke.getState();
  const extra: Record<string, string> = { ...activeEnvironment(s)?.extraDefaults };
  for (const row of s.extras) if (row.key.trim()) extra[row.key.trim()] = row.value;
  return extra;
}

/** The form as a request; throws an Error that says what to fix. */
export function buildRequest(): InvokeRequest {
  const s = useInvoke.getState();
  if (!s.target) throw new Error('choose a target first');
  if (!s.selected) throw new Error('choose a method in the Methods tree');
  const m = currentMethod();
  if (!m) throw new Error(`${methodKey(s.selected)} is not in the IDL any more`);
  const text = s.argsText[methodKey(s.selected)] ?? '{}';
  let args: JsonValue;
  try {
    args = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new Error(`the parameters are not valid JSON: ${messageOf(e)}`);
  }
  if (s.mode === 'oneway' && m.op.returns.kind !== 'void')
    throw new Error(`${m.op.name} returns a value: a one-way call would never get it`);
  return {
    target: s.target,
    interface: s.selected.interface,
    method: s.selected.method,
    args,
    mode: s.mode,
    ...(s.mode === 'oneway' ? {} : { timeoutMs: s.timeoutMs }),
    extra: composeExtra(),
  };
}

/**
 * The host encodes and decodes with the project as saved (its `project.compile` changes nothing).
 * When the editor's IDL changes this operation's wire shape — or adds it — the call must wait
 * for a save; otherwise the host would send bytes for a different signature.
 */
export function hostDisagrees(ref: MethodRef | null): boolean {
  const s = useProject.getState();
  const mine = ref && workingModel(s) ? wireSignature(workingModel(s)!, ref.interface, ref.method) : undefined;
  return (
    !!ref && !!s.snapshot && mine !== undefined && wireSignature(s.snapshot.model, ref.interface, ref.method) !== mine
  );
}

/** Resolves once the host's project (reloaded after a save) agrees with the editor on `ref`. */
function hostAgreement(ref: MethodRef, timeoutMs: number): Promise<boolean> {
  if (!hostDisagrees(ref)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => (stop(), resolve(false)), timeoutMs);
    const stop = useProject.subscribe(() => {
      if (hostDisagrees(ref)) return;
      clearTimeout(timer);
      stop();
      resolve(true);
    });
  });
}

/** Saves the edited IDL, waits for the host to reload it, then invokes. */
export async function saveAndInvoke(): Promise<void> {
  const ref = useInvoke.getState().selected;
  await saveAll();
  if (ref && !(await hostAgreement(ref, 5_000))) {
    useInvoke.setState({ argsError: 'the host did not pick up the saved IDL (see the Problems list)' });
    return;
  }
  await invoke();
}

let callSeq = 0;
/** Call ids are this page's: another window's cancel never names our calls. */
const page = Math.random().toString(36).slice(2, 10);

const updateRow = (id: number, patch: Partial<CallRow>): void =>
  useInvoke.setState((s) => ({ calls: s.calls.map((c) => (c.id === id ? { ...c, ...patch } : c)) }));

/** Sends the form's call; each invocation gets its own row, any number may be in flight. */
export async function invoke(): Promise<void> {
  let request: InvokeRequest;
  try {
    request = buildRequest();
  } catch (e) {
    useInvoke.setState({ argsError: messageOf(e), problems: [] });
    return;
  }
  if (hostDisagrees(request)) {
    useInvoke.setState({
      argsError: `the IDL in the editor changes ${request.interface}.${request.method}; the host calls with the saved IDL — save first (Save and invoke)`,
    });
    return;
  }
  // Arguments that do not fit are the user's to fix: listed under the editor, never sent.
  const problems = requestProblems(request);
  if (problems.length > 0) {
    useInvoke.setState({ argsError: null, problems });
    return;
  }
  const id = ++callSeq;
  const callId = `${page}-${id}`;
  const row: CallRow = {
    id,
    callId,
    tab: useInvoke.getState().activeTab,
    request: { ...request, callId },
    started: Date.now(),
  };
  useInvoke.setState((s) => ({ argsError: null, problems: [], calls: [row, ...s.calls].slice(0, MAX_CALL_ROWS) }));
  try {
    updateRow(row.id, { result: await host.call('invoke', row.request) });
    watchPushes(row.id);
  } catch (e) {
    updateRow(row.id, { failure: messageOf(e) });
  }
  void refreshHistory();
}

/** Stops waiting for a pending call; its card says "cancelled", a reply that still comes is shown as late. */
export async function cancelCall(callId: string): Promise<void> {
  await host.call('invoke.cancel', { callId });
}

/** The newest pending call made from a tab: what the action bar's Cancel stops. */
export function pendingOfTab(calls: readonly CallRow[], tab: number): CallRow | undefined {
  return calls.find((c) => c.tab === tab && !c.result && !c.failure);
}

// environments.json edited on disk, or by another window.
host.on('workspace.changed', (state) =>
  useInvoke.setState({ environments: state.environments, activeEnvironment: state.activeEnvironment }),
);

host.on('invoke.late', ({ callId, result }) =>
  useInvoke.setState((s) => ({ calls: s.calls.map((c) => (c.callId === callId ? { ...c, late: result } : c)) })),
);

/** How long after its result a push still counts as the call's. */
export const PUSH_WINDOW_MS = 2000;
const MAX_PUSHES = 20;

/**
 * Pushes that reached the call's connection while it was pending or within PUSH_WINDOW_MS of
 * its result, decoded: asked of the host's feed (whatever the feed panel filters or pauses)
 * at the result and again while the window is open.
 */
function watchPushes(rowId: number): void {
  const finished = Date.now();
  for (const delay of [0, 600, PUSH_WINDOW_MS + 100])
    setTimeout(() => void collectPushes(rowId, finished).catch((e: unknown) => logError('pushes of a call', e)), delay);
}

async function collectPushes(rowId: number, finished: number): Promise<void> {
  const row = useInvoke.getState().calls.find((c) => c.id === rowId);
  const result = row?.result;
  if (!row || !result?.connectionId || result.feedAfterId === undefined) return;
  const { entries } = await host.call('feed.query', {
    afterId: result.feedAfterId,
    limit: 500,
    filter: { query: 'hop:console dir:in kind:push' },
  });
  const mine = entries
    .filter((e) => e.peer === result.connectionId && e.time <= finished + PUSH_WINDOW_MS)
    .slice(0, MAX_PUSHES);
  if (mine.length === (row.pushes?.length ?? 0)) return;
  const pushes = await Promise.all(
    mine.map(async (e): Promise<CallPush> => {
      const name = e.interface && e.method ? `${e.interface}.${e.method}` : `if ${e.ifidx} op ${e.opidx}`;
      const base = { feedId: e.id, afterMs: Math.max(0, e.time - row.started), name };
      try {
        const decoded = await host.call('feed.decode', { id: e.id });
        if (!decoded.ok) return { ...base, value: undefined, problem: decoded.reason };
        return { ...base, value: decoded.kind === 'error' ? null : decoded.value };
      } catch (error) {
        return { ...base, value: undefined, problem: messageOf(error) };
      }
    }),
  );
  updateRow(rowId, { pushes });
}

export async function refreshHistory(): Promise<void> {
  try {
    useInvoke.setState({ history: await host.call('workspace.history', { limit: 100 }) });
  } catch (e) {
    logError('history', e);
  }
}

export async function loadWorkspace(): Promise<void> {
  const [state, saved] = await Promise.all([host.call('workspace.state', {}), host.call('workspace.savedCalls', {})]);
  useInvoke.setState({ environments: state.environments, activeEnvironment: state.activeEnvironment, saved });
  await refreshHistory();
}

export async function saveCurrentCall(name: string): Promise<void> {
  const r = buildRequest();
  const call: SavedCall = {
    name,
    interface: r.interface,
    method: r.method,
    args: r.args,
    mode: r.mode,
    ...(r.target ? { target: r.target } : {}),
    ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
    ...(r.extra ? { extra: r.extra } : {}),
  };
  useInvoke.setState({ saved: await host.call('workspace.saveCall', { call }) });
}

export async function deleteSavedCall(name: string): Promise<void> {
  useInvoke.setState({ saved: await host.call('workspace.deleteCall', { name }) });
}

export async function renameSavedCall(from: string, to: string): Promise<void> {
  useInvoke.setState({ saved: await host.call('workspace.renameCall', { from, to }) });
}

export async function duplicateSavedCall(name: string, newName: string): Promise<void> {
  useInvoke.setState({ saved: await host.call('workspace.duplicateCall', { name, newName }) });
}

/** Puts a saved call into the form and invokes it. */
export async function runSavedCall(call: SavedCall): Promise<void> {
  restoreCall(call);
  await invoke();
}

/** Puts a saved call or a history entry back into the form. */
export function restoreCall(call: {
  target?: TargetSpec;
  interface: string;
  method: string;
  args: JsonValue;
  mode: InvokeRequest['mode'];
  timeoutMs?: number;
  extra?: Record<string, string>;
}): void {
  const key = methodKey(call);
  useInvoke.setState((s) => ({
    ...(call.target ? { target: call.target } : {}),
    selected: { interface: call.interface, method: call.method },
    argsText: { ...s.argsText, [key]: pretty(call.args) },
    argsError: null,
    problems: [],
    mode: call.mode,
    timeoutMs: call.timeoutMs ?? s.timeoutMs,
    extras: Object.entries(call.extra ?? {}).map(([k, v]) => extraRow(k, v)),
  }));
}

const fail = (message: string): never => {
  throw new Error(message);
};

export function commandLine(): { line: string; secrets: string[] } {
  const request = buildRequest();
  const snapshot = useProject.getState().snapshot;
  const { sandbox, connections, app } = useHost.getState();
  return tceCallLine(
    request,
    snapshot?.files.idl ?? [],
    targetUrl(snapshot, sandbox, connectionFor(connections, request.target!), request.target!),
    {
      command: app?.tceCall ?? fail('the console host has not said where its tce-call is yet: try again'),
      variables: activeEnvironment(useInvoke.getState())?.variables ?? {},
    },
  );
}

export async function copyCommandLine(): Promise<string> {
  const { line, secrets } = commandLine();
  await navigator.clipboard.writeText(line).catch(() => undefined);
  const needs = secrets.length ? ` (set ${secrets.join(', ')} in the shell first: secrets are never copied)` : '';
  useHost.getState().addLog({ level: 'info', message: `copied: ${line}${needs}` });
  if (secrets.length) toast(`copied; set ${secrets.join(', ')} in the shell first`);
  return line;
}

export async function setEnvironments(environments: Environment[], active: string | undefined): Promise<void> {
  const state = await host.call('workspace.setEnvironments', {
    environments,
    ...(active !== undefined ? { activeEnvironment: active } : {}),
  });
  useInvoke.setState({ environments: state.environments, activeEnvironment: state.activeEnvironment });
}

/** Makes the table's extras the active environment's defaults. */
export async function saveExtrasAsDefaults(): Promise<void> {
  const s = useInvoke.getState();
  const env = activeEnvironment(s);
  if (!env) return;
  const extraDefaults: Record<string, string> = {};
  for (const row of s.extras) if (row.key.trim()) extraDefaults[row.key.trim()] = row.value;
  await setEnvironments(
    s.environments.map((e) => (e === env ? { ...e, extraDefaults } : e)),
    env.name,
  );
  useInvoke.setState({ extras: [] });
}

export async function connectTarget(target: TargetSpec): Promise<void> {
  const token = activeEnvironment(useInvoke.getState())?.variables['token'];
  await host.call('connection.open', { target, ...(token ? { token } : {}) });
}
