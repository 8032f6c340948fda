import { create } from 'zustand';
import type { ProjectSnapshot } from '../../shared/console-api/index.js';
import type { IdlModel } from '../../shared/idl/model.js';
import type { CompileResponse } from '../worker/protocol.js';

/** One IDL file as the editor holds it (the text itself lives in its Monaco model). */
export interface FileState {
  path: string;
  /** The version the editor's text is based on (null: never read). */
  version: string | null;
  dirty: boolean;
  /** The file changed on disk while it had unsaved edits: saving needs a decision. */
  changedOnDisk: boolean;
}

/** A save refused because the file changed on disk: the user decides, the text stays. */
export interface SaveConflict {
  path: string;
  message: string;
}

export interface Reveal {
  file: string;
  line: number;
  column: number;
  /** Changes on every request, so revealing the same place twice works. */
  seq: number;
}

interface ProjectState {
  snapshot: ProjectSnapshot | null;
  opening: boolean;
  files: Record<string, FileState>;
  currentFile: string | null;
  /** The worker's latest result, and the latest one without errors. */
  compiled: CompileResponse | null;
  lastGood: CompileResponse | null;
  conflict: SaveConflict | null;
  reveal: Reveal | null;
}

export const useProject = create<ProjectState>()(() => ({
  snapshot: null,
  opening: false,
  files: {},
  currentFile: null,
  compiled: null,
  lastGood: null,
  conflict: null,
  reveal: null,
}));

export const patchFile = (path: string, patch: Partial<FileState>): void =>
  useProject.setState((s) => {
    const prev = s.files[path] ?? { path, version: null, dirty: false, changedOnDisk: false };
    return { files: { ...s.files, [path]: { ...prev, ...patch } } };
  });

/** The model the console works with: the editor's latest good compile, else the host's. */
export const workingModel = (s: Pick<ProjectState, 'lastGood' | 'snapshot'>): IdlModel | null =>
  s.lastGood?.model ?? s.snapshot?.model ?? null;

export const baseName = (path: string): string =>
  path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

/** A path relative to the project root, for lists and titles. */
export const relativePath = (root: string | undefined, path: string): string =>
  root && path.startsWith(root) ? path.slice(root.length).replace(/^[/\\]/, '') : path;
