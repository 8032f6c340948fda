import { create } from 'zustand';
import type {
  CallReport,
  LoadReport,
  LoadRequest,
  RunEvent,
  RunReport,
  RunRequest,
  SavedCall,
} from '../../shared/console-api/index.js';
import { setFeedQuery } from '../actions/feed.js';
import { host } from '../stores/host.js';
import { messageOf } from '../../shared/message-of.js';

/** The Run view's state: the collection, the run in progress or last finished, the load run. */
interface RunsState {
  open: boolean;
  tab: 'run' | 'load';
  calls: SavedCall[];
  runId: string | null;
  /** Calls reported so far by the current run. */
  results: CallReport[];
  report: RunReport | null;
  /** The request of the last run, so "Re-run failed" can keep its environment and target. */
  lastRequest: RunRequest | null;
  loadId: string | null;
  load: LoadReport | null;
  loadDone: boolean;
  error: string | null;
}

export const useRuns = create<RunsState>()(() => ({
  open: false,
  tab: 'run',
  calls: [],
  runId: null,
  results: [],
  report: null,
  lastRequest: null,
  loadId: null,
  load: null,
  loadDone: false,
  error: null,
}));

/** Events of runs whose id is not known yet (their start's reply may come after the first events). */
const early = new Map<string, RunEvent[]>();
const MAX_EARLY_RUNS = 8;

function receive(event: RunEvent): void {
  const s = useRuns.getState();
  if (event.runId === s.runId) {
    if (event.kind === 'call') useRuns.setState({ results: [...s.results, event.call] });
    else if (event.kind === 'done')
      useRuns.setState({ report: event.report, results: event.report.calls, runId: null });
    else if (event.kind === 'failed') useRuns.setState({ error: event.message, runId: null });
  } else if (event.runId === s.loadId) {
    if (event.kind === 'load-progress') useRuns.setState({ load: event.report });
    else if (event.kind === 'load-done') useRuns.setState({ load: event.report, loadDone: true, loadId: null });
    else if (event.kind === 'failed') useRuns.setState({ error: event.message, loadId: null });
  } else {
    // Another session's run, or ours before its id arrived.
    early.set(event.runId, [...(early.get(event.runId) ?? []), event].slice(-1000));
    if (early.size > MAX_EARLY_RUNS) early.delete(early.keys().next().value!);
  }
}
host.on('runs.event', receive);

function follow(patch: Partial<RunsState>, runId: string): void {
  useRuns.setState(patch);
  for (const event of early.get(runId) ?? []) receive(event);
  early.delete(runId);
}

/** Opens the Run view; a collection that cannot be listed is shown there as an error. */
export async function openRuns(tab: RunsState['tab'] = 'run'): Promise<void> {
  useRuns.setState({ open: true, tab });
  await refreshCalls().catch((e: unknown) => useRuns.setState({ error: messageOf(e) }));
}

export const closeRuns = (): void => useRuns.setState({ open: false });

const quoted = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** Closes the Run view on the feed filtered to what a run (or one of its saved calls) sent and got. */
export function showRunInFeed(runId: string, call?: string): void {
  closeRuns();
  setFeedQuery(`run:${runId}${call === undefined ? '' : ` saved:${quoted(call)}`}`);
}

export async function refreshCalls(): Promise<void> {
  useRuns.setState({ calls: await host.call('workspace.savedCalls', {}) });
}

export async function startRun(request: RunRequest): Promise<void> {
  useRuns.setState({ results: [], report: null, error: null, lastRequest: request, runId: null });
  const { runId } = await host.call('runs.start', request);
  follow({ runId }, runId);
}

/** Runs again the calls that failed in the last run (their folders' setup and teardown come along). */
export async function rerunFailed(): Promise<void> {
  const { report, lastRequest } = useRuns.getState();
  if (!report || !lastRequest) return;
  const failed = report.calls.filter((c) => c.verdict === 'failed' && c.role === 'call').map((c) => c.name);
  if (failed.length === 0) return;
  // What the last run captured stays known: a failed call that uses {{order_id}} gets it again.
  const variables = Object.assign(
    {},
    lastRequest.variables,
    ...report.calls.map((c) => c.captured),
  ) as RunRequest['variables'];
  await startRun({ ...lastRequest, selection: failed, variables });
}

export async function stopRun(): Promise<void> {
  const { runId, loadId } = useRuns.getState();
  const id = runId ?? loadId;
  if (id) await host.call('runs.cancel', { runId: id });
}

export async function startLoad(request: LoadRequest): Promise<void> {
  useRuns.setState({ load: null, loadDone: false, error: null, loadId: null });
  const { runId } = await host.call('runs.load', request);
  follow({ loadId: runId }, runId);
}

/** Folders of the collection (`a`, `a/b`), for choosing what to run. */
export function foldersOf(calls: readonly SavedCall[]): string[] {
  const folders = new Set<string>();
  for (const c of calls) {
    const parts = c.name.split('/').slice(0, -1);
    for (let n = 1; n <= parts.length; n++) folders.add(parts.slice(0, n).join('/'));
  }
  return [...folders].sort();
}
