import { ConsoleError, type ProjectSnapshot } from '../../shared/console-api/index.js';
import { compileNow } from '../editor/compiler.js';
import { markSaved, modelFor, retain, setDiskText } from '../editor/documents.js';
import { host, logError, useHost } from '../stores/host.js';
import { resetForProject } from '../stores/invoke.js';
import { patchFile, useProject } from '../stores/project.js';

/** Project actions: open, follow changes on disk, navigate, save with conflict handling. */

/**
 * Reads a file into its editor model. Unless forced (the user chose "reload"), text with unsaved
 * edits is never replaced: the file is flagged as changed on disk instead.
 */
async function readIntoEditor(path: string, force = false): Promise<void> {
  const file = await host.call('file.read', { path });
  const state = useProject.getState().files[path];
  if (state?.version === file.version && !force) return;
  if (state?.dirty && !force) {
    patchFile(path, { changedOnDisk: true });
    return;
  }
  setDiskText(path, file.text, file.version);
}

/** Takes a snapshot from the host: new files are read, files that left are dropped, then compile. */
export async function applySnapshot(snapshot: ProjectSnapshot | null): Promise<void> {
  const prev = useProject.getState();
  const sameProject = prev.snapshot?.root === snapshot?.root;
  if (!sameProject && prev.snapshot) resetForProject();
  useProject.setState({
    snapshot,
    ...(sameProject ? {} : { files: {}, compiled: null, lastGood: null, conflict: null }),
    currentFile:
      snapshot && sameProject && prev.currentFile && modelFor(prev.currentFile)
        ? prev.currentFile
        : (snapshot?.files.idl[0] ?? null),
  });
  const paths = snapshot
    ? [...snapshot.files.idl, ...[snapshot.files.servicesXml, snapshot.files.configYml].filter((p): p is string => !!p)]
    : [];
  retain(sameProject ? paths : []);
  // New files are read; known ones too when the project was reloaded (a file changed on disk).
  const reread = sameProject && prev.snapshot?.revision !== snapshot?.revision;
  const toRead = paths.filter((p) => !modelFor(p) || reread);
  await Promise.all(toRead.map((p) => readIntoEditor(p).catch((e: unknown) => logError(`reading ${p}`, e))));
  compileNow();
}

/** Files with unsaved edits. */
export const dirtyFiles = (): string[] =>
  Object.values(useProject.getState().files)
    .filter((f) => f.dirty)
    .map((f) => f.path);

/**
 * Opens a project. Reopening the one open now keeps unsaved edits in the editor; before another
 * project replaces it they are saved (a failed save stops the switch).
 */
export async function openProject(path: string): Promise<void> {
  useProject.setState({ opening: true });
  try {
    const root = useProject.getState().snapshot?.root;
    const same =
      root !== undefined &&
      (path.replace(/[/\\]+$/, '') === root || path.slice(0, path.search(/[/\\][^/\\]*$/)) === root);
    for (const file of same ? [] : dirtyFiles()) {
      if (!(await saveFile(file)))
        throw new Error(`${file} could not be saved, so the project stays open: resolve that first`);
    }
    await applySnapshot(await host.call('project.open', { path }));
    useHost.getState().addLog({ level: 'info', message: `opened ${path}` });
  } finally {
    useProject.setState({ opening: false });
  }
}

/**
 * What the host has open. A host that restarted without our project gets it opened again, so the
 * editor's unsaved texts carry over instead of being dropped with the project.
 */
export async function loadCurrentProject(): Promise<void> {
  const current = await host.call('project.current', {});
  const mine = useProject.getState().snapshot;
  await applySnapshot(current ?? (mine ? await host.call('project.open', { path: mine.root }) : null));
}

let revealSeq = 0;
/** Shows a file in the IDL editor, at a position. */
export function openFileAt(path: string, line = 1, column = 1): void {
  useProject.setState({ currentFile: path, reveal: { file: path, line, column, seq: ++revealSeq } });
}

/** Saves one file. A conflict (changed on disk) opens the conflict dialog; the text stays in the editor. */
export async function saveFile(path: string, mode: 'normal' | 'overwrite' = 'normal'): Promise<boolean> {
  const model = modelFor(path);
  const state = useProject.getState().files[path];
  if (!model || !state) return false;
  const text = model.getValue();
  try {
    // Overwrite: save against what is on disk now, knowingly.
    const baseVersion = mode === 'overwrite' ? (await host.call('file.read', { path })).version : state.version;
    const written = await host.call('file.write', { path, text, baseVersion });
    markSaved(path, text, written.version);
    useProject.setState({ conflict: null });
    return true;
  } catch (e) {
    if (e instanceof ConsoleError && e.code === 'conflict') {
      useProject.setState({ conflict: { path, message: e.message } });
    } else logError(`saving ${path}`, e);
    return false;
  }
}

export async function saveAll(): Promise<void> {
  for (const f of Object.values(useProject.getState().files)) if (f.dirty) await saveFile(f.path);
}

/** Conflict: take the disk's text (the user's edits stay in the undo history). */
export async function reloadFromDisk(path: string): Promise<void> {
  await readIntoEditor(path, true);
  useProject.setState({ conflict: null });
}

export const keepEditing = (): void => useProject.setState({ conflict: null });

host.on(
  'project.changed',
  (snapshot) => void applySnapshot(snapshot).catch((e: unknown) => logError('project reload', e)),
);
host.on('file.changed', ({ path, version }) => {
  const file = useProject.getState().files[path];
  if (!file || file.version === version) return;
  void readIntoEditor(path).catch((e: unknown) => logError(`reloading ${path}`, e));
});
