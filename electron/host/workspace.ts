import type { Dirent } from 'node:fs';
import { readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import type {
  Environment,
  HistoryEntry,
  MockOverride,
  RequestTabs,
  SavedCall,
  WorkspaceState,
} from '../../shared/console-api/types.js';
import { mockOverrideProblem, requestTabsProblem } from '../../shared/console-api/validate.js';
import { compareCallNames } from '../../shared/collections/names.js';
import { errnoOf, ioError, messageOf } from './errors.js';
import { atomicWrite } from './file-store.js';
import type { ProjectFolder, ProjectPath } from './project-folder.js';
import { stableJson } from './stable-json.js';
import type { Log } from '../../shared/log.js';

export const WORKSPACE_FOLDER = '.tce-console';
export const MAX_HISTORY = 200;
export const MOCKS_FILE = 'mocks.json';
export const TABS_FILE = 'tabs.json';
/** What stays out of git: personal state (`.tce-console/.gitignore`). */
const PERSONAL = ['history.json', TABS_FILE];
const SAVED_CALLS = 'saved-calls';
/** Matches the validator's limit on `/`s in a name; deeper folders are not walked. */
const MAX_FOLDER_DEPTH = 16;

/** `a/b/name` → `saved-calls/a/b/name.json` (names are validated: each part is a file name). */
const callFile = (name: string): string => join(SAVED_CALLS, ...name.split('/')) + '.json';

/**
 * A project's console state, in `.tce-console/` inside the project so it can be committed:
 *   saved-calls/<name>.json   one saved call per file; a name `a/b/name` is `saved-calls/a/b/name.json`
 *   environments.json         environments and the active one
 *   history.json              recent invocations (personal: listed in .tce-console/.gitignore)
 *   tabs.json                 the Invoke panel's request tabs and their drafts (personal, like history)
 *   mocks.json                mock overrides per operation: {"overrides": {"module.Interface.op": {…}}}
 * Plain JSON with sorted keys and a final newline, so diffs stay small. Every path goes through
 * the project's boundary: a `.tce-console` that leads outside the project is refused.
 */
export class Workspace {
  readonly folder: string;
  private history: Promise<HistoryEntry[]> | undefined;
  /** One history write at a time; calls made meanwhile are saved by one more write after it. */
  private historyWriting = false;
  private historyDirty = false;

  constructor(
    private readonly project: ProjectFolder,
    private readonly log: Log,
  ) {
    this.folder = join(project.root, WORKSPACE_FOLDER);
  }

  async state(): Promise<WorkspaceState> {
    const value = await this.readJson('environments.json');
    if (value === undefined) return { environments: [] };
    const state = value as Partial<WorkspaceState>;
    if (!Array.isArray(state.environments)) {
      this.log('warn', `${join(this.folder, 'environments.json')}: expected {"environments": [...]}; ignored`);
      return { environments: [] };
    }
    return { environments: state.environments, activeEnvironment: state.activeEnvironment };
  }

  async setEnvironments(environments: Environment[], activeEnvironment: string | undefined): Promise<WorkspaceState> {
    const names = new Set<string>();
    for (const e of environments) {
      if (names.has(e.name)) throw new ConsoleError('invalid-params', `two environments are named "${e.name}"`);
      names.add(e.name);
    }
    if (activeEnvironment !== undefined && !names.has(activeEnvironment))
      throw new ConsoleError('invalid-params', `no environment named "${activeEnvironment}"`);
    const state: WorkspaceState = { environments, activeEnvironment };
    await this.write('environments.json', stableJson(state));
    return state;
  }

  /** The file `workspace.changed` watches for (edited by hand or by another window); none where the workspace leads outside the project. */
  get environmentsFile(): string | undefined {
    const [folder] = this.folders();
    return folder === undefined ? undefined : join(folder, 'environments.json');
  }

  /** The request tabs as last kept, or null (none kept, or a file that is not tabs: logged). */
  async tabs(): Promise<RequestTabs | null> {
    const value = await this.readJson(TABS_FILE);
    if (value === undefined) return null;
    const problem = requestTabsProblem(value);
    if (problem) {
      this.log('warn', `${join(this.folder, TABS_FILE)}: ${problem}; the tabs start afresh`);
      return null;
    }
    return value as RequestTabs;
  }

  async setTabs(tabs: RequestTabs): Promise<void> {
    await this.write(TABS_FILE, stableJson(tabs));
  }

  /** Every saved call, folders walked, in name order; a name is the file's path under `saved-calls/`. */
  async savedCalls(): Promise<SavedCall[]> {
    const calls: SavedCall[] = [];
    await this.collectCalls([], calls);
    return calls;
  }

  /** Saves over a call of the same name (asking first is the caller's business). */
  async saveCall(call: SavedCall): Promise<SavedCall[]> {
    await this.write(callFile(call.name), stableJson(call));
    return this.savedCalls();
  }

  async deleteCall(name: string): Promise<SavedCall[]> {
    const { real } = this.file(callFile(name));
    try {
      await unlink(real);
    } catch (error) {
      throw ioError(`cannot delete saved call "${name}"`, error);
    }
    await this.pruneFolders(name);
    return this.savedCalls();
  }

  async renameCall(from: string, to: string): Promise<SavedCall[]> {
    if (from === to) return this.savedCalls();
    const call = await this.copyCall(from, to);
    await this.deleteCall(from).catch((error: unknown) => {
      throw ioError(`"${from}" was copied to "${call.name}" but`, error);
    });
    return this.savedCalls();
  }

  async duplicateCall(name: string, newName: string): Promise<SavedCall[]> {
    await this.copyCall(name, newName);
    return this.savedCalls();
  }

  /** Writes `from` as `to`, which must not exist: renaming onto a call would lose it without a question. */
  private async copyCall(from: string, to: string): Promise<SavedCall> {
    const call = await this.readJson(callFile(from));
    if (call === undefined) throw new ConsoleError('not-found', `no saved call named "${from}"`);
    if (!isSavedCall(call)) throw new ConsoleError('invalid-params', `${callFile(from)} is not a saved call`);
    if ((await this.readJson(callFile(to))) !== undefined)
      throw new ConsoleError('conflict', `a saved call named "${to}" exists already`);
    const copy = { ...call, name: to };
    await this.write(callFile(to), stableJson(copy));
    return copy;
  }

  private async collectCalls(folder: string[], out: SavedCall[]): Promise<void> {
    const relative = join(SAVED_CALLS, ...folder);
    // Outside the project is refused as such (invalid-params), not reported as a listing failure.
    const { real } = this.file(relative);
    let entries: Dirent[];
    try {
      entries = await readdir(real, { withFileTypes: true });
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      if (folder.length === 0) throw ioError(`cannot list ${join(this.folder, SAVED_CALLS)}`, error);
      this.log('warn', `cannot list ${join(this.folder, relative)} (${messageOf(error)}); its calls are left out`);
      return;
    }
    const items = entries.flatMap((e) =>
      e.isDirectory()
        ? [{ part: e.name, folder: true }]
        : e.name.endsWith('.json') && !e.name.startsWith('.')
          ? [{ part: e.name.slice(0, -'.json'.length), folder: false }]
          : [],
    );
    // A call before a folder of the same name; otherwise the order the runner uses.
    items.sort((a, b) => compareCallNames(a.part, b.part) || Number(a.folder) - Number(b.folder));
    for (const item of items) {
      const name = [...folder, item.part].join('/');
      if (item.folder) {
        if (folder.length + 1 < MAX_FOLDER_DEPTH) await this.collectCalls([...folder, item.part], out);
        else
          this.log('warn', `${join(this.folder, relative, item.part)}: folders nest too deep; its calls are left out`);
        continue;
      }
      const call = await this.readJson(callFile(name)).catch((error: unknown) => this.log('warn', messageOf(error)));
      // The file's place is its name: a copied or moved file needs no edit to show where it is.
      if (isSavedCall(call)) out.push({ ...call, name });
      else if (call !== undefined)
        this.log('warn', `${join(this.folder, callFile(name))} is not a saved call; skipped`);
    }
  }

  /** Removes the folders a deleted call leaves empty (not `saved-calls/` itself). */
  private async pruneFolders(name: string): Promise<void> {
    const parts = name.split('/').slice(0, -1);
    for (let n = parts.length; n > 0; n--) {
      const { real } = this.file(join(SAVED_CALLS, ...parts.slice(0, n)));
      const removed = await rmdir(real).then(
        () => true,
        () => false,
      );
      if (!removed) return;
    }
  }

  /** Mock overrides by `module.Interface.operation`; entries that are not overrides are logged and left out. */
  get mocksFile(): string {
    return join(this.folder, MOCKS_FILE);
  }

  async mockOverrides(): Promise<Record<string, MockOverride>> {
    const value = (await this.readJson(MOCKS_FILE)) as { overrides?: unknown } | undefined;
    if (value === undefined) return {};
    const overrides = value.overrides;
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
      this.log(
        'warn',
        `${join(this.folder, MOCKS_FILE)}: expected {"overrides": {"module.Interface.operation": {...}}}; ignored`,
      );
      return {};
    }
    const out: Record<string, MockOverride> = {};
    for (const [key, override] of Object.entries(overrides)) {
      const problem = mockOverrideProblem(override, `overrides["${key}"]`);
      if (problem) this.log('warn', `${join(this.folder, MOCKS_FILE)}: ${problem}; that override is ignored`);
      else out[key] = override as MockOverride;
    }
    return out;
  }

  async setMockOverrides(overrides: Record<string, MockOverride>): Promise<void> {
    await this.write(MOCKS_FILE, stableJson({ overrides }));
  }

  async recentHistory(limit = MAX_HISTORY): Promise<HistoryEntry[]> {
    const all = await this.loadHistory();
    return all.slice(-limit).reverse();
  }

  /** Remembers an invocation; the file is rewritten in the background, at most one write at a time. */
  async addHistory(entry: HistoryEntry): Promise<void> {
    const all = await this.loadHistory();
    all.push(entry);
    if (all.length > MAX_HISTORY) all.splice(0, all.length - MAX_HISTORY);
    this.historyDirty = true;
    if (this.historyWriting) return;
    this.historyWriting = true;
    while (this.historyDirty) {
      this.historyDirty = false;
      await this.write('history.json', `${JSON.stringify(all)}\n`).catch((error: unknown) =>
        this.log('warn', `cannot save the call history: ${messageOf(error)}`),
      );
    }
    this.historyWriting = false;
  }

  /** Read once; concurrent callers share the one read. */
  private loadHistory(): Promise<HistoryEntry[]> {
    this.history ??= this.readJson('history.json').then(
      (value) => (Array.isArray(value) ? (value as HistoryEntry[]).slice(-MAX_HISTORY) : []),
      () => [],
    );
    return this.history;
  }

  /** Its folders as they are on disk; one that leads outside the project is left out. */
  folders(): string[] {
    return ['', 'saved-calls'].flatMap((name) => {
      try {
        return [this.file(name).real];
      } catch {
        return [];
      }
    });
  }

  /** A file of the workspace, inside the project folder (else ConsoleError `invalid-params`). */
  private file(name: string): ProjectPath {
    return this.project.contain(join(WORKSPACE_FOLDER, name));
  }

  private async readJson(name: string): Promise<unknown> {
    const { path, real } = this.file(name);
    let text: string;
    try {
      text = await readFile(real, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw ioError(`cannot read ${path}`, error);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      this.log('warn', `${path} is not valid JSON (${messageOf(error)}); ignored`);
      return undefined;
    }
  }

  private async write(name: string, text: string): Promise<void> {
    const { path, real } = this.file(name);
    await this.ensureGitignore();
    try {
      await atomicWrite(real, text);
    } catch (error) {
      throw ioError(`cannot write ${path}`, error);
    }
  }

  /** History and tabs are personal; saved calls and environments are meant to be shared. */
  private async ensureGitignore(): Promise<void> {
    const { real } = this.file('.gitignore');
    const text = await readFile(real, 'utf8').catch(() => '');
    const lines = text.split('\n');
    const missing = PERSONAL.filter((name) => !lines.includes(name));
    if (missing.length === 0) return;
    const head = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    await atomicWrite(real, `${head}${missing.join('\n')}\n`).catch(() => undefined);
  }
}

function isSavedCall(v: unknown): v is SavedCall {
  const c = v as Partial<SavedCall> | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.name === 'string' &&
    typeof c.interface === 'string' &&
    typeof c.method === 'string' &&
    typeof c.mode === 'string' &&
    'args' in c
  );
}
