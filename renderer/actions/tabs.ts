import type { RequestDraft, RequestTabs } from '../../shared/console-api/index.js';
import { host, logError } from '../stores/host.js';
import { blankDraft, draftOf, extraRow, useInvoke, type Draft, type RequestTab } from '../stores/invoke.js';
import { useProject } from '../stores/project.js';
import { defaultTarget } from '../invoke/targets.js';

/**
 * Request tabs: several calls open at once, each with its own target, method, parameters,
 * mode, timeout and extras. The tab in front lives in the store's own fields (what the form
 * edits); switching puts them into its tab and takes the other tab's out. The host keeps them
 * per project in `.tce-console/tabs.json` (personal, git-ignored), so a reload or a restart —
 * whatever port the browser mode got — brings them back with their drafts.
 */

const MAX_TABS = 30;
let tabSeq = 1;

/** The tabs with the front one's fields in place. */
function currentTabs(): RequestTab[] {
  const s = useInvoke.getState();
  return s.tabs.map((t) => (t.id === s.activeTab ? { ...t, draft: draftOf(s) } : t));
}

const front = (draft: Draft) => ({ ...draft, argsError: null, problems: [] });

export function switchTab(id: number): void {
  const s = useInvoke.getState();
  const tab = s.tabs.find((t) => t.id === id);
  if (!tab || id === s.activeTab) return;
  useInvoke.setState({ tabs: currentTabs(), activeTab: id, ...front(tab.draft) });
}

/** Opens a blank tab in front, calling the same target as the current one. */
export function newTab(): void {
  const s = useInvoke.getState();
  if (s.tabs.length >= MAX_TABS) return;
  const draft = blankDraft(s.target);
  const id = ++tabSeq;
  useInvoke.setState({ tabs: [...currentTabs(), { id, draft }], activeTab: id, ...front(draft) });
}

/** Closes a tab; the last one closed leaves a blank one. */
export function closeTab(id: number): void {
  const s = useInvoke.getState();
  const at = s.tabs.findIndex((t) => t.id === id);
  if (at < 0) return;
  const rest = currentTabs().filter((t) => t.id !== id);
  if (rest.length === 0) rest.push({ id: ++tabSeq, draft: blankDraft(s.target) });
  if (id !== s.activeTab) return useInvoke.setState({ tabs: rest });
  const next = rest[Math.min(at, rest.length - 1)]!;
  useInvoke.setState({ tabs: rest, activeTab: next.id, ...front(next.draft) });
}

export const tabTitle = (draft: Pick<Draft, 'selected'>): string =>
  draft.selected
    ? `${draft.selected.interface.slice(draft.selected.interface.lastIndexOf('.') + 1)}.${draft.selected.method}`
    : 'New request';

// ------------------------------------------------------------------------------ persistence

const toStored = (d: Draft): RequestDraft => ({
  ...(d.target ? { target: d.target } : {}),
  adHocUrl: d.adHocUrl,
  ...(d.selected ? { interface: d.selected.interface, method: d.selected.method } : {}),
  argsText: d.argsText,
  mode: d.mode,
  timeoutMs: d.timeoutMs,
  extras: d.extras.map(({ key, value }) => ({ key, value })),
});

const fromStored = (d: RequestDraft): Draft => ({
  ...blankDraft(d.target ?? null),
  ...(d.adHocUrl !== undefined ? { adHocUrl: d.adHocUrl } : {}),
  selected: d.interface !== undefined && d.method !== undefined ? { interface: d.interface, method: d.method } : null,
  argsText: d.argsText,
  mode: d.mode,
  timeoutMs: d.timeoutMs,
  extras: d.extras.map((e) => extraRow(e.key, e.value)),
});

/** The project whose tabs the store holds; nothing is saved before they were restored. */
let restoredRoot: string | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Puts the project's kept tabs in place of the current ones. A project without any gets one blank
 * tab, aimed at its first gateway when it is the first project of this window; one opened in place
 * of another starts with no target ("Choose a target…"), so nothing is dialled that the user did
 * not pick in this project. A method chosen while the kept tabs were on their way stays in front
 * (aimed as a blank tab would be), with the kept tabs that name a method behind it.
 */
async function restoreTabs(root: string, switched: boolean): Promise<void> {
  restoredRoot = undefined;
  const chosenBefore = useInvoke.getState().selected;
  const kept = await host.call('workspace.tabs', {});
  if (useProject.getState().snapshot?.root !== root) return;
  const fallback = switched ? null : defaultTarget(useProject.getState().snapshot);
  const toTab = (d: RequestDraft): RequestTab => ({ id: ++tabSeq, draft: fromStored(d) });
  if (useInvoke.getState().selected !== chosenBefore) {
    const behind = (kept?.tabs ?? []).filter((d) => d.method !== undefined).map(toTab);
    useInvoke.setState((s) => ({
      tabs: [...s.tabs.filter((t) => t.id === s.activeTab), ...behind],
      target: s.target ?? fallback,
    }));
  } else {
    const tabs = (kept?.tabs.length ? kept.tabs : [toStored(blankDraft(fallback))]).map(toTab);
    const active = tabs[Math.min(kept?.active ?? 0, tabs.length - 1)]!;
    useInvoke.setState({ tabs, activeTab: active.id, ...front(active.draft) });
  }
  restoredRoot = root;
}

function saveSoon(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    if (restoredRoot === undefined || useProject.getState().snapshot?.root !== restoredRoot) return;
    const tabs = currentTabs();
    const kept: RequestTabs = {
      active: Math.max(
        0,
        tabs.findIndex((t) => t.id === useInvoke.getState().activeTab),
      ),
      tabs: tabs.map((t) => toStored(t.draft)),
    };
    host.call('workspace.setTabs', kept).catch((e: unknown) => logError('keeping the request tabs', e));
  }, 400);
}

// Another project's tabs come in with it; every edit of a tab is kept (debounced).
useProject.subscribe((s, prev) => {
  const root = s.snapshot?.root;
  if (root !== undefined && root !== prev.snapshot?.root)
    void restoreTabs(root, prev.snapshot !== null).catch((e: unknown) => logError('restoring the request tabs', e));
});
useInvoke.subscribe((s, prev) => {
  if (
    s.tabs !== prev.tabs ||
    s.activeTab !== prev.activeTab ||
    s.target !== prev.target ||
    s.adHocUrl !== prev.adHocUrl ||
    s.selected !== prev.selected ||
    s.argsText !== prev.argsText ||
    s.mode !== prev.mode ||
    s.timeoutMs !== prev.timeoutMs ||
    s.extras !== prev.extras
  )
    saveSoon();
});
