import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import { errnoOf, ioError } from './errors.js';

/** A file of the project: the name it goes by, and the file on disk it is. */
export interface ProjectPath {
  /** Absolute, as the project or the renderer named it (symbolic links not followed): what the renderer sees. */
  path: string;
  /** The file on disk, every symbolic link followed: what is read and written. Inside the project folder. */
  real: string;
}

/**
 * The boundary of an open project: every path the project names (its files, imports, the
 * workspace) and every path the renderer asks for is resolved with realpath — symbolic links to
 * files and folders followed — and refused unless it ends inside the project folder's real
 * location. A path that does not exist yet (a new file, a new folder) is judged by its nearest
 * existing folder. This guards against what a project contains (a link to /etc), not against
 * another program swapping folders between the check and the write.
 */
export class ProjectFolder {
  /** The folder with every symbolic link followed. */
  readonly real: string;

  constructor(readonly root: string) {
    try {
      this.real = realpathSync(root);
    } catch (error) {
      throw ioError(`cannot open project ${root}`, error);
    }
  }

  /** `path`, relative to the project folder or absolute, if it stays inside; else ConsoleError `invalid-params` saying where it leads. */
  contain(path: string): ProjectPath {
    const absolute = resolve(this.root, path);
    const real = realLocation(absolute);
    if (isInside(this.real, real)) return { path: absolute, real };
    const where = real === absolute ? `${path} is` : `${path} leads to ${real},`;
    throw new ConsoleError('invalid-params', `${where} outside the project folder ${this.root}`);
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** What `path` is on disk, links followed; a missing file is judged by where its folder really is (a dangling link by its target). */
function realLocation(path: string, hops = 0): string {
  try {
    return realpathSync(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw ioError(`cannot resolve ${path}`, error);
  }
  if (hops > 40) throw new ConsoleError('io', `cannot resolve ${path}: too many levels of symbolic links`);
  const link = readLink(path);
  if (link !== undefined) return realLocation(resolve(dirname(path), link), hops + 1);
  const parent = dirname(path);
  return parent === path ? path : join(realLocation(parent, hops), basename(path));
}

/** The target of a symbolic link whose target is missing; undefined when `path` itself does not exist. */
function readLink(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}
