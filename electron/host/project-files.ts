import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import { ioError, messageOf } from './errors.js';

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
  servicesXml?: string;
  configYml?: string;
  /** Absolute paths, in the order given (project file) or by name (folder). */
  idl: string[];
  projectFile?: string;
  /** Problems of tce-project.json itself. */
  diagnostics: Diagnostic[];
}

const exists = async (path: string): Promise<boolean> => stat(path).then(
  (s) => s.isFile(),
  () => false,
);

/** Finds the files of the project at `path`: a folder, a services.xml (any .xml), an .idl or a tce-project.json. */
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
    throw new ConsoleError('invalid-params', `cannot open ${opened}: open a folder, a services.xml, an .idl file or a ${PROJECT_FILE}`);
  }
  const layout: ProjectLayout = { root, idl: [], diagnostics: [] };
  const projectFile = join(root, PROJECT_FILE);
  const spec = (await exists(projectFile)) ? await readSpec(projectFile, layout) : undefined;
  if (spec) layout.projectFile = projectFile;
  const inRoot = (p: string): string => (isAbsolute(p) ? p : join(root, p));

  const xml = opened?.toLowerCase().endsWith('.xml') ? opened : spec?.servicesXml ? inRoot(spec.servicesXml) : join(root, 'services.xml');
  if (await exists(xml)) layout.servicesXml = xml;
  else if (spec?.servicesXml || opened === xml) layout.diagnostics.push(missing(projectFile, xml));
  const yml = spec?.configYml ? inRoot(spec.configYml) : join(root, 'config.yml');
  if (await exists(yml)) layout.configYml = yml;
  else if (spec?.configYml) layout.diagnostics.push(missing(projectFile, yml));

  if (spec?.idl) {
    for (const p of spec.idl.map(inRoot)) {
      if (await exists(p)) layout.idl.push(p);
      else layout.diagnostics.push(missing(projectFile, p));
    }
  } else {
    const names = await readdir(root).catch((error: unknown) => {
      throw ioError(`cannot list ${root}`, error);
    });
    layout.idl = names.filter((n) => n.toLowerCase().endsWith('.idl')).sort().map((n) => join(root, n));
  }
  if (!layout.servicesXml && layout.idl.length === 0 && !layout.projectFile) {
    throw new ConsoleError('not-found', `${root} has no services.xml, ${PROJECT_FILE} or .idl file`);
  }
  return layout;
}

/** Reads tce-project.json; problems become diagnostics (the project still opens). */
async function readSpec(file: string, layout: ProjectLayout): Promise<ProjectFileSpec | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    layout.diagnostics.push(problem(file, `cannot read ${basename(file)}: ${messageOf(error)}`));
    return undefined;
  }
  const spec = value as Record<string, unknown>;
  const fail = (why: string): undefined => {
    layout.diagnostics.push(problem(file, `${basename(file)}: ${why}`));
    return undefined;
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected an object like {"idl": ["a.idl"]}');
  for (const key of Object.keys(spec)) if (!['servicesXml', 'configYml', 'idl'].includes(key)) return fail(`unknown field "${key}" (servicesXml, configYml, idl)`);
  for (const key of ['servicesXml', 'configYml']) if (spec[key] !== undefined && typeof spec[key] !== 'string') return fail(`${key} must be a path`);
  if (spec['idl'] !== undefined && (!Array.isArray(spec['idl']) || spec['idl'].some((p) => typeof p !== 'string'))) return fail('idl must be a list of paths');
  return spec as ProjectFileSpec;
}

const START = { line: 1, column: 1, offset: 0 };
const problem = (file: string, message: string): Diagnostic => ({ severity: 'error', code: 'project-file', message, range: { file, start: START, end: START } });
const missing = (projectFile: string, path: string): Diagnostic => problem(projectFile, `${path} does not exist`);
