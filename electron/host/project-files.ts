import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import { ioError, messageOf } from './errors.js';
import { ProjectFolder } from './project-folder.js';

/** The optional project file: which files make the project when the folder's defaults don't fit. */
export const PROJECT_FILE = 'tce-project.json';

/**
 * `tce-project.json`, every field optional, paths relative to the folder:
 *   { "servicesXml": "services.xml", "configYml": "config.yml", "idl": ["test.idl", "idl/more.idl"] }
 * Without it: services.xml and config.yml in the folder if present, and every *.idl in it.
 */
export interface ProjectFileSpec {
  servicesXml?: string;
  configYml?: string;
  idl?: string[];
}

export interface ProjectLayout {
  root: string;
  /** The boundary every file of the project is read and written through. */
  folder: ProjectFolder;
  servicesXml?: string;
  configYml?: string;
  /** Absolute paths, in the order given (project file) or by name (folder). */
  idl: string[];
  projectFile?: string;
  /** Problems of tce-project.json itself, and files refused for leading outside the folder. */
  diagnostics: Diagnostic[];
}

const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Finds the files of the project at `path`: a folder, a services.xml (any .xml), an .idl or a
 * tce-project.json. A file that leads outside the project folder (a symbolic link, `../`, an
 * absolute path) is not taken: a diagnostic says where it leads.
 */
export async function findProject(path: string): Promise<ProjectLayout> {
  const target = resolve(path);
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    throw ioError(`cannot open project ${target}`, error);
  }
  const root = info.isDirectory() ? target : dirname(target);
  const opened = info.isDirectory() ? undefined : target;
  if (opened && !['.xml', '.idl', '.json'].includes(extname(opened).toLowerCase())) {
    throw new ConsoleError(
      'invalid-params',
      `cannot open ${opened}: open a folder, a services.xml, an .idl file or a ${PROJECT_FILE}`,
    );
  }
  const folder = new ProjectFolder(root);
  const layout: ProjectLayout = { root, folder, idl: [], diagnostics: [] };
  const projectFile = join(root, PROJECT_FILE);
  /** `p` when it is a file inside the folder; a refusal, or a missing file the project names, becomes a diagnostic. */
  const take = async (p: string, named: boolean): Promise<string | undefined> => {
    let real: string;
    try {
      ({ real } = folder.contain(p));
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      layout.diagnostics.push(problem(named ? projectFile : p, error.message));
      return undefined;
    }
    if (await exists(real)) return p;
    if (named) layout.diagnostics.push(missing(projectFile, p));
    return undefined;
  };
  const spec = (await take(projectFile, false))
    ? await readSpec(folder.contain(projectFile).real, projectFile, layout)
    : undefined;
  if (spec) layout.projectFile = projectFile;
  const inRoot = (p: string): string => (isAbsolute(p) ? p : join(root, p));

  const xml = opened?.toLowerCase().endsWith('.xml')
    ? opened
    : spec?.servicesXml
      ? inRoot(spec.servicesXml)
      : join(root, 'services.xml');
  layout.servicesXml = await take(xml, spec?.servicesXml !== undefined || opened === xml);
  const yml = spec?.configYml ? inRoot(spec.configYml) : join(root, 'config.yml');
  layout.configYml = await take(yml, spec?.configYml !== undefined);

  if (spec?.idl) {
    for (const p of spec.idl.map(inRoot)) {
      const found = await take(p, true);
      if (found) layout.idl.push(found);
    }
  } else {
    const names = await readdir(folder.real).catch((error: unknown) => {
      throw ioError(`cannot list ${root}`, error);
    });
    for (const name of names.filter((n) => n.toLowerCase().endsWith('.idl')).sort()) {
      const found = await take(join(root, name), false);
      if (found) layout.idl.push(found);
    }
  }
  if (!layout.servicesXml && layout.idl.length === 0 && !layout.projectFile) {
    throw new ConsoleError('not-found', `${root} has no services.xml, ${PROJECT_FILE} or .idl file`);
  }
  return layout;
}

/** Reads tce-project.json; problems become diagnostics (the project still opens). */
async function readSpec(real: string, file: string, layout: ProjectLayout): Promise<ProjectFileSpec | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(real, 'utf8'));
  } catch (error) {
    layout.diagnostics.push(problem(file, `cannot read ${basename(file)}: ${messageOf(error)}`));
    return undefined;
  }
  const spec = value as Record<string, unknown>;
  const fail = (why: string): undefined => {
    layout.diagnostics.push(problem(file, `${basename(file)}: ${why}`));
    return undefined;
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('expected an object like {"idl": ["a.idl"]}');
  for (const key of Object.keys(spec))
    if (!['servicesXml', 'configYml', 'idl'].includes(key))
      return fail(`unknown field "${key}" (servicesXml, configYml, idl)`);
  for (const key of ['servicesXml', 'configYml'])
    if (spec[key] !== undefined && typeof spec[key] !== 'string') return fail(`${key} must be a path`);
  if (spec['idl'] !== undefined && (!Array.isArray(spec['idl']) || spec['idl'].some((p) => typeof p !== 'string')))
    return fail('idl must be a list of paths');
  return spec;
}

const START = { line: 1, column: 1, offset: 0 };
const problem = (file: string, message: string): Diagnostic => ({
  severity: 'error',
  code: 'project-file',
  message,
  range: { file, start: START, end: START },
});
const missing = (projectFile: string, path: string): Diagnostic => problem(projectFile, `${path} does not exist`);
