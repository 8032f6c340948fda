import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ProjectSnapshot } from '../../shared/console-api/types.js';
import { compile, type CompileResult } from '../../shared/idl/compile.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import type { IdlModel } from '../../shared/idl/model.js';
import type { SourceFile } from '../../shared/idl/source.js';
import { interfaceDefEntries } from '../../shared/project/interface-def.js';
import type { ConfigModel, ServicesModel } from '../../shared/project/model.js';
import { loadProject } from '../../shared/project/project.js';
import { clientInterfaces } from '../../shared/project/routing.js';
import { createCodec, type ModelCodec } from '../../shared/wire/codec.js';
import { ioError, messageOf } from './errors.js';
import { versionOf } from './file-version.js';
import { OperationNames } from '../../shared/idl/operation-names.js';
import { findProject, type ProjectLayout } from './project-files.js';
import type { ProjectFolder, ProjectPath } from './project-folder.js';
import { FolderWatcher } from './watch.js';
import type { LogLevel } from '../../shared/log.js';

export interface ProjectEvents {
  /** Reloaded: `paths` are the files that changed, appeared or disappeared. */
  changed(snapshot: ProjectSnapshot, paths: string[]): void;
  /** A project file changed on disk other than through file.write. */
  fileChanged(change: { path: string; version: string }): void;
  log(level: LogLevel, message: string): void;
}

/** One load of the project: its files as read, and what they compile to. */
interface Loaded {
  layout: ProjectLayout;
  services?: ServicesModel;
  config?: ConfigModel;
  compiled: CompileResult;
  diagnostics: Diagnostic[];
  /** Version of every project file (services.xml, config.yml, IDL, imports, tce-project.json). */
  versions: Map<string, string>;
}

/**
 * An open project: its files found on disk, parsed and compiled (ids checked against the
 * services.xml InterfaceDef), reloaded when any of them changes. Holds the model, codec and
 * operation names the invoker and the feed use; they change with every reload.
 */
export class ProjectSession {
  private loaded: Loaded;
  private revision = 1;
  private currentModel: { model: IdlModel; codec: ModelCodec; names: OperationNames };
  private readonly watcher: FolderWatcher;
  private reloading: Promise<void> = Promise.resolve();
  /** Versions this host wrote itself, not yet seen by a reload. */
  private readonly ownWrites = new Map<string, string>();
  private closed = false;

  private constructor(
    loaded: Loaded,
    private readonly events: ProjectEvents,
  ) {
    this.loaded = loaded;
    this.currentModel = modelParts(loaded.compiled.model);
    this.watcher = new FolderWatcher(
      () => void this.reload(),
      (level, message) => events.log(level, message),
    );
    this.watchFolders();
  }

  static async open(path: string, events: ProjectEvents): Promise<ProjectSession> {
    return new ProjectSession(await load(await findProject(path)), events);
  }

  get root(): string {
    return this.loaded.layout.root;
  }

  get model(): IdlModel {
    return this.currentModel.model;
  }

  get codec(): ModelCodec {
    return this.currentModel.codec;
  }

  get names(): OperationNames {
    return this.currentModel.names;
  }

  get services(): ServicesModel | undefined {
    return this.loaded.services;
  }

  get config(): ConfigModel | undefined {
    return this.loaded.config;
  }

  snapshot(): ProjectSnapshot {
    const { layout, services, config, compiled, diagnostics } = this.loaded;
    return {
      root: layout.root,
      name: basename(layout.root),
      revision: this.revision,
      files: { servicesXml: layout.servicesXml, configYml: layout.configYml, idl: compiled.files.map((f) => f.path) },
      services,
      config,
      model: compiled.model,
      diagnostics,
      clientInterfaces: services ? clientInterfaces(services) : [],
    };
  }

  /** Compiles the IDL with unsaved editor texts in place of the files; changes nothing. */
  compile(overrides: { path: string; text: string }[] = []): { model: IdlModel; diagnostics: Diagnostic[] } {
    const texts = new Map(overrides.map((o) => [this.resolve(o.path).path, o.text]));
    const { compiled } = compileIdl(this.loaded.layout, this.loaded.services, texts);
    return { model: compiled.model, diagnostics: compiled.diagnostics };
  }

  /** The project's boundary: every file it reads or writes goes through it. */
  get folder(): ProjectFolder {
    return this.loaded.layout.folder;
  }

  /** A path the renderer gave (relative to the project folder, or absolute), if it stays inside the project folder. */
  resolve(path: string): ProjectPath {
    return this.folder.contain(path);
  }

  /** The folders of the project and its files, as they are on disk. */
  folders(): string[] {
    const files = [...this.loaded.versions.keys()].flatMap((p) => {
      try {
        return [dirname(this.folder.contain(p).real)];
      } catch {
        return []; // moved outside since it was loaded: not the project's any more
      }
    });
    return [...new Set([this.folder.real, ...files])];
  }

  /** The version the session last saw of a file, if it is a project file. */
  knownVersion(path: string): string | undefined {
    return this.loaded.versions.get(path);
  }

  /** file.write saved this: a reload (the project changed), but no file.changed for it. */
  noteWritten(path: string, version: string): void {
    this.ownWrites.set(path, version);
    void this.reload();
  }

  /** Loads again (serialized); emits project.changed when any file changed. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  close(): void {
    this.closed = true;
    this.watcher.close();
  }

  private async reloadNow(): Promise<void> {
    if (this.closed) return;
    let next: Loaded;
    try {
      next = await load(
        await findProject(this.loaded.layout.projectFile ?? this.loaded.layout.servicesXml ?? this.root),
      );
    } catch (error) {
      this.events.log('error', `cannot reload the project: ${messageOf(error)}`);
      return;
    }
    if (this.closed) return;
    const before = this.loaded.versions;
    const changed = [...next.versions].filter(([path, version]) => before.get(path) !== version);
    const removed = [...before.keys()].filter((path) => !next.versions.has(path));
    const ownWrites = new Map(this.ownWrites);
    // Forget own writes once a load has seen them; a load that raced the write keeps them for the next.
    for (const [path, version] of ownWrites)
      if (next.versions.get(path) === version || !next.versions.has(path)) this.ownWrites.delete(path);
    this.loaded = next;
    if (changed.length === 0 && removed.length === 0) return;
    this.revision++;
    this.currentModel = modelParts(next.compiled.model);
    this.watchFolders();
    this.events.changed(this.snapshot(), [...changed.map(([path]) => path), ...removed]);
    for (const [path, version] of changed) {
      if (before.has(path) && ownWrites.get(path) !== version) this.events.fileChanged({ path, version });
    }
  }

  private watchFolders(): void {
    const folders = new Set([this.root, ...[...this.loaded.versions.keys()].map((p) => dirname(p))]);
    this.watcher.set(folders);
  }
}

function modelParts(model: IdlModel) {
  return { model, codec: createCodec(model), names: new OperationNames(model) };
}

async function load(layout: ProjectLayout): Promise<Loaded> {
  const versions = new Map<string, string>();
  const read = async (path: string): Promise<SourceFile> => {
    try {
      const text = await readFile(layout.folder.contain(path).real, 'utf8');
      versions.set(path, versionOf(text));
      return { path, text };
    } catch (error) {
      throw ioError(`cannot read ${path}`, error);
    }
  };
  if (layout.projectFile) await read(layout.projectFile);
  const servicesXml = layout.servicesXml ? await read(layout.servicesXml) : undefined;
  const configYml = layout.configYml ? await read(layout.configYml) : undefined;
  const project = servicesXml ? loadProject({ servicesXml, configYml }) : undefined;
  const { compiled, texts } = compileIdl(layout, project?.services, new Map());
  for (const [path, text] of texts) versions.set(path, versionOf(text));
  const diagnostics = [...layout.diagnostics, ...(project?.diagnostics ?? []), ...compiled.diagnostics];
  if (!servicesXml && configYml) diagnostics.push(...loadConfigOnly(configYml));
  return { layout, services: project?.services, config: project?.config, compiled, diagnostics, versions };
}

/** A config.yml without services.xml is still checked (its diagnostics show), though nothing routes by it. */
function loadConfigOnly(configYml: SourceFile): Diagnostic[] {
  const start = { line: 1, column: 1, offset: 0 };
  return [
    {
      severity: 'info',
      code: 'no-services-xml',
      message: `${basename(configYml.path)} is used only with a services.xml; the project has none`,
      range: { file: configYml.path, start, end: start },
    },
  ];
}

/**
 * Compiles the project's IDL files (and their imports, read from disk unless `overrides` has
 * their text). Returns the texts that were read, for versioning.
 */
function compileIdl(
  layout: ProjectLayout,
  services: ServicesModel | undefined,
  overrides: Map<string, string>,
): { compiled: CompileResult; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  /** Throws (a diagnostic for an import) when the file leads outside the project folder. */
  const source = (path: string): SourceFile | undefined => {
    const override = overrides.get(path);
    if (override !== undefined) return { path, text: override };
    const { real } = layout.folder.contain(path);
    try {
      const text = readFileSync(real, 'utf8');
      texts.set(path, text);
      return { path, text };
    } catch {
      return undefined;
    }
  };
  // The layout's files were found inside the folder; one that has since gone or moved out is left out.
  const files = layout.idl.flatMap((p) => {
    try {
      return source(p) ?? [];
    } catch {
      return [];
    }
  });
  const compiled = compile(files, {
    resolveImport: (from, name) => source(join(dirname(from), `${name}.idl`)),
    interfaceDef: services ? { entries: interfaceDefEntries(services), mode: 'check' } : undefined,
  });
  return { compiled, texts };
}
