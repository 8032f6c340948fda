import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import type { FileContent } from '../../shared/console-api/types.js';
import { errnoOf, ioError } from './errors.js';
import { versionOf } from './file-version.js';
import type { ProjectPath } from './project-folder.js';

export async function readText({ path, real }: ProjectPath): Promise<FileContent> {
  try {
    const text = await readFile(real, 'utf8');
    return { path, text, version: versionOf(text) };
  } catch (error) {
    throw ioError(`cannot read ${path}`, error);
  }
}

async function currentVersion(path: string): Promise<string | undefined> {
  try {
    return versionOf(await readFile(path, 'utf8'));
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw ioError(`cannot read ${path}`, error);
  }
}

/**
 * Saves a file without ever losing text: refuses (`conflict`) when the file on disk is not the
 * version the editor started from (`baseVersion`; null = the file must not exist yet), and
 * writes a temporary file beside it that is renamed over it, so a crash or a full disk leaves
 * either the old file or the new one, never half of one. The editor keeps its text on any error.
 */
export async function writeText({ path, real }: ProjectPath, text: string, baseVersion: string | null): Promise<FileContent> {
  const onDisk = await currentVersion(real);
  const keep = 'your text was not saved and is still in the editor';
  if (baseVersion === null && onDisk !== undefined) {
    throw new ConsoleError('conflict', `${path} already exists on disk; ${keep} — reload it to compare, or save with its current version to overwrite`);
  }
  if (baseVersion !== null && onDisk === undefined) {
    throw new ConsoleError('conflict', `${path} was deleted on disk since you opened it; ${keep} — save it as a new file to restore it`);
  }
  if (baseVersion !== null && onDisk !== baseVersion) {
    throw new ConsoleError('conflict', `${path} changed on disk since you opened it; ${keep} — reload it to see the other change, or save with its current version to overwrite`);
  }
  try {
    await atomicWrite(real, text);
  } catch (error) {
    throw ioError(`cannot save ${path} (${keep})`, error);
  }
  return { path, text, version: versionOf(text) };
}

/**
 * Writes through a temporary file beside `path` renamed over it: readers see the old file or
 * the new one, never half of one. Keeps an existing file's permissions unless `mode` is given.
 */
export async function atomicWrite(path: string, text: string, mode?: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const fileMode =
      mode ??
      (await stat(path).then(
        (s) => s.mode & 0o777,
        () => 0o644,
      ));
    await writeFile(temp, text, { encoding: 'utf8', mode: fileMode, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
