import { exportVisibleRows, openCapture, selectEntry, toggleFeedPause } from './actions/feed.js';
import { connectTarget, copyCommandLine, generateExample, invoke } from './actions/invoke.js';
import { openProject, saveAll, saveFile } from './actions/project.js';
import { startSandbox, stopSandbox } from './actions/sandbox.js';
import { stopAllAttachments, useAttach } from './attach/store.js';
import { openRuns } from './runs/runs.js';
import { useHost } from './stores/host.js';
import { activeView, useFeed } from './stores/feed.js';
import { useInvoke } from './stores/invoke.js';
import { useProject } from './stores/project.js';
import { openDialog, resetLayout, toast, useUi } from './stores/ui.js';
import { messageOf } from '../shared/message-of.js';

/** Every action of the workbench, for the command palette and the keyboard. */
export interface Command {
  id: string;
  title: string;
  /** Shown in the palette: `Ctrl+Enter` (⌘ on macOS). */
  keys?: string;
  enabled?: () => boolean;
  run: () => void | Promise<unknown>;
}

export const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
export const modKey = isMac ? '⌘' : 'Ctrl+';

const hasProject = (): boolean => useProject.getState().snapshot !== null;
const focus = (id: string): void => document.getElementById(id)?.focus();

/** Opens an export as a capture tab of its own (never merged into the live feed). */
async function importFeed(): Promise<void> {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.ndjson,.jsonl,.json,application/x-ndjson';
  input.onchange = async () => {
    const file = input.files?.[0];
    if (!file) return;
    try {
      toast(
        `opened ${openCapture(file.name, await file.text()).toLocaleString('en-US')} entries of ${file.name} as a capture`,
      );
    } catch (e) {
      toast(`${file.name}: ${messageOf(e)}`, 'error');
    }
  };
  input.click();
}

export const COMMANDS: Command[] = [
  { id: 'project.open', title: 'Open project…', keys: `${modKey}O`, run: () => openDialog({ kind: 'open-project' }) },
  {
    id: 'project.reload',
    title: 'Reload project from disk',
    enabled: hasProject,
    run: () => openProject(useProject.getState().snapshot!.root),
  },
  {
    id: 'file.save',
    title: 'Save IDL file',
    keys: `${modKey}S`,
    enabled: () => useProject.getState().currentFile !== null,
    run: () => saveFile(useProject.getState().currentFile!),
  },
  { id: 'file.saveAll', title: 'Save all IDL files', enabled: hasProject, run: saveAll },
  {
    id: 'sandbox.start',
    title: 'Start sandbox (gateways + mock back ends)',
    enabled: () => hasProject() && useHost.getState().sandbox.state !== 'running',
    run: () => startSandbox(),
  },
  {
    id: 'sandbox.stop',
    title: 'Stop sandbox',
    enabled: () => useHost.getState().sandbox.state === 'running',
    run: stopSandbox,
  },
  {
    id: 'attach.open',
    title: 'Attach to a running cluster (proxy, broker tap, sandbox mode)…',
    run: () => openDialog({ kind: 'attach' }),
  },
  {
    id: 'attach.stopAll',
    title: 'Stop all attachments (proxies, broker taps)',
    enabled: () => useAttach.getState().attachments.length > 0,
    run: stopAllAttachments,
  },
  { id: 'runs.collection', title: 'Run saved calls (collection)…', enabled: hasProject, run: () => openRuns('run') },
  { id: 'runs.load', title: 'Load run of a saved call…', enabled: hasProject, run: () => openRuns('load') },
  { id: 'invoke.run', title: 'Invoke the selected method', keys: `${modKey}Enter`, run: invoke },
  {
    id: 'invoke.example',
    title: 'Generate example parameters',
    enabled: () => useInvoke.getState().selected !== null,
    run: generateExample,
  },
  {
    id: 'invoke.copy',
    title: 'Copy call as tce-call command line',
    enabled: () => useInvoke.getState().selected !== null,
    run: copyCommandLine,
  },
  {
    id: 'invoke.save',
    title: 'Save call…',
    enabled: () => useInvoke.getState().selected !== null,
    run: () => useInvoke.setState({ savedDialog: { kind: 'save' } }),
  },
  {
    id: 'invoke.connect',
    title: 'Connect to the target',
    enabled: () => useInvoke.getState().target !== null,
    run: () => connectTarget(useInvoke.getState().target!),
  },
  { id: 'invoke.focusMethods', title: 'Go to Methods', run: () => focus('methods-tree') },
  { id: 'feed.pause', title: 'Pause / resume the live feed', keys: `${modKey}Shift+Space`, run: toggleFeedPause },
  { id: 'feed.clear', title: 'Clear the live feed…', run: () => useFeed.setState({ confirmingClear: true }) },
  { id: 'feed.filter', title: 'Filter the live feed', keys: `${modKey}Shift+F`, run: () => focus('feed-filter') },
  {
    id: 'feed.export',
    title: 'Export visible feed rows (NDJSON)',
    run: async () => toast(`exported ${await exportVisibleRows()} rows`),
  },
  { id: 'feed.import', title: 'Import feed entries (NDJSON)…', run: importFeed },
  {
    id: 'feed.unselect',
    title: 'Close feed entry details',
    enabled: () => activeView().selectedId !== null,
    run: () => selectEntry(null),
  },
  {
    id: 'editor.focus',
    title: 'Go to IDL editor',
    run: () => document.querySelector<HTMLElement>('#idl-editor textarea')?.focus(),
  },
  { id: 'view.resetLayout', title: 'Reset panel layout', run: resetLayout },
  {
    id: 'view.palette',
    title: 'Show all commands',
    keys: `${modKey}Shift+P`,
    run: () => useUi.setState({ paletteOpen: true }),
  },
];

export async function runCommand(id: string): Promise<void> {
  const command = COMMANDS.find((c) => c.id === id);
  if (!command || (command.enabled && !command.enabled())) return;
  useUi.setState({ paletteOpen: false });
  try {
    await command.run();
  } catch (e) {
    toast(`${command.title.replace(/…$/, '')}: ${messageOf(e)}`, 'error');
  }
}

/** Workbench shortcuts (editors forward theirs: Monaco keeps its own keys). */
export function handleGlobalKey(e: KeyboardEvent): void {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  if (!mod) return;
  const key = e.key.toLowerCase();
  const id =
    e.shiftKey && key === 'p'
      ? 'view.palette'
      : e.shiftKey && key === 'f'
        ? 'feed.filter'
        : e.shiftKey && key === ' '
          ? 'feed.pause'
          : !e.shiftKey && key === 'enter'
            ? 'invoke.run'
            : !e.shiftKey && key === 's'
              ? 'file.save'
              : !e.shiftKey && key === 'o'
                ? 'project.open'
                : undefined;
  if (!id) return;
  e.preventDefault();
  void runCommand(id);
}
