import { randomBytes } from 'node:crypto';
import {
  access,
  constants,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
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

/** The file as the save found it: held open, so that a write into it after the check still shows. */
interface OnDisk {
  handle: FileHandle;
  dev: number;
  ino: number;
  mode: number;
  version: string;
}

const KEEP = 'your text was not saved and is still in the editor';
const TO_OVERWRITE = 'reload it to see the other change, or save with its current version to overwrite';

/**
 * Saves a file without ever losing text, the editor's or anyone else's. Refuses (`conflict`)
 * when the file on disk is not the version the editor started from (`baseVersion`; null = the
 * file must not exist yet), and refuses a read-only file. The new text goes to a temporary file
 * beside it, fsynced, that replaces the file by rename (a new file: by link, which never
 * replaces), then the folder is fsynced: a crash leaves the old text or the new, never half,
 * and what a killed save leaves behind is removed when the project opens again.
 * Compare-and-swap: right before the rename the file must still be the same file (device,
 * inode) with the same text; right after, the replaced file must still hold that text (an
 * editor writing in place in between is put back, and the save reports `conflict`) and the file
 * in place must be ours. The one window left is another program's own rename landing between
 * the last check and ours: closing it needs renameat2(RENAME_EXCHANGE), which Node lacks.
 * `real` is written, so a symbolic link keeps pointing at its target, which gets the text.
 */
export async function writeText(
  { path, real }: ProjectPath,
  text: string,
  baseVersion: string | null,
): Promise<FileContent> {
  const onDisk = await openOnDisk(real).catch((error: unknown) => {
    throw ioError(`cannot read ${path} (${KEEP})`, error);
  });
  try {
    if (baseVersion === null && onDisk)
      throw new ConsoleError(
        'conflict',
        `${path} already exists on disk; ${KEEP} — reload it to compare, or save with its current version to overwrite`,
      );
    if (baseVersion !== null && !onDisk)
      throw new ConsoleError(
        'conflict',
        `${path} was deleted on disk since you opened it; ${KEEP} — save it as a new file to restore it`,
      );
    if (onDisk && onDisk.version !== baseVersion)
      throw new ConsoleError('conflict', `${path} changed on disk since you opened it; ${KEEP} — ${TO_OVERWRITE}`);
    if (onDisk && !(await writable(real, onDisk.mode))) {
      throw new ConsoleError(
        'io',
        `${path} is read-only (mode ${(onDisk.mode & 0o777).toString(8).padStart(4, '0')}); ${KEEP} — make it writable (chmod u+w) to save`,
      );
    }
    try {
      await swap(path, real, text, onDisk);
    } catch (error) {
      throw ioError(`cannot save ${path} (${KEEP})`, error);
    }
  } finally {
    await onDisk?.handle.close();
  }
  return { path, text, version: versionOf(text) };
}

async function openOnDisk(real: string): Promise<OnDisk | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(real, 'r');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { dev, ino, mode } = await handle.stat();
    return { handle, dev, ino, mode, version: await versionNow(handle) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** What the open file holds now, read from its start. */
async function textNow(handle: FileHandle): Promise<string> {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(Math.max(64 * 1024, (await handle.stat()).size + 1));
  for (let position = 0; ;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    position += bytesRead;
  }
  return Buffer.concat(chunks).toString('utf8');
}

const versionNow = async (handle: FileHandle): Promise<string> => versionOf(await textNow(handle));

/** Read-only: no write permission bit at all (root ignores them), or none for this user. */
async function writable(real: string, mode: number): Promise<boolean> {
  if ((mode & 0o222) === 0) return false;
  return access(real, constants.W_OK).then(
    () => true,
    () => false,
  );
}

/** The compare-and-swap of writeText; throws `conflict` when another write raced it. */
async function swap(path: string, real: string, text: string, onDisk: OnDisk | undefined): Promise<void> {
  const folder = dirname(real);
  const raced = (after: string): ConsoleError =>
    new ConsoleError('conflict', `${path} was written by another program ${after}; ${KEEP} — ${TO_OVERWRITE}`);
  const temp = saveFileName(real, 'tmp');
  let aside: string | undefined;
  try {
    if (!onDisk) await mkdir(folder, { recursive: true });
    const ours = await writeDurably(temp, text, onDisk ? onDisk.mode & 0o7777 : 0o644, onDisk !== undefined);
    if (!onDisk) {
      // link() never replaces: a file another program created meanwhile stays.
      const created = raced('that created it while it was being saved');
      const linked = await tryLink(temp, real).catch((error: unknown) => {
        throw errnoOf(error) === 'EEXIST' ? created : error;
      });
      if (!linked) {
        if (
          await stat(real).then(
            () => true,
            () => false,
          )
        )
          throw created;
        await rename(temp, real);
      }
      await syncFolder(folder);
      return;
    }
    const now = await stat(real).catch(() => undefined);
    if (
      !now ||
      now.dev !== onDisk.dev ||
      now.ino !== onDisk.ino ||
      (await versionNow(onDisk.handle)) !== onDisk.version
    )
      throw raced('while it was being saved');
    // A second name for the file being replaced, so that an edit landing in it can be put back.
    const candidate = saveFileName(real, 'old');
    if (await tryLink(real, candidate)) {
      aside = candidate;
      const kept = await stat(aside);
      if (kept.dev !== onDisk.dev || kept.ino !== onDisk.ino) throw raced('while it was being saved');
    }
    await rename(temp, real);
    await syncFolder(folder);
    if ((await versionNow(onDisk.handle)) !== onDisk.version) {
      // Written in place between the check and the rename: theirs goes back where it was.
      if ((await stat(real)).ino !== ours) {
        // Yet another write replaced ours meanwhile: it stays, and the change that landed in the old file is kept beside it.
        const keptAs = `${real}.${Date.now()}.conflict`;
        await atomicWrite(keptAs, await textNow(onDisk.handle));
        throw raced(`twice while it was being saved (the earlier change is kept in ${keptAs})`);
      }
      if (aside) {
        await rename(aside, real);
        aside = undefined;
        await syncFolder(folder);
      } else await atomicWrite(real, await textNow(onDisk.handle), onDisk.mode & 0o7777);
      throw raced('while it was being saved (their text is back in place)');
    }
    const placed = await stat(real);
    if (placed.ino !== ours || versionOf(await readFile(real, 'utf8')) !== versionOf(text))
      throw raced('right after it was saved');
  } finally {
    await unlink(temp).catch(() => undefined);
    if (aside) await unlink(aside).catch(() => undefined);
  }
}

/** link(); false where the file system has no hard links (FAT, some network shares). */
async function tryLink(existing: string, name: string): Promise<boolean> {
  try {
    await link(existing, name);
    return true;
  } catch (error) {
    if (['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errnoOf(error) ?? '')) return false;
    throw error;
  }
}

/**
 * Writes through a temporary file beside `path`, fsynced, renamed over it, then fsyncs the
 * folder: readers see the old file or the new one, never half of one, and a crash after it
 * returns keeps the new one. Keeps an existing file's permissions unless `mode` is given.
 * For files only the console writes (workspace, user settings): no conflict check.
 */
export async function atomicWrite(path: string, text: string, mode?: number): Promise<void> {
  const folder = dirname(path);
  const temp = saveFileName(path, 'tmp');
  try {
    await mkdir(folder, { recursive: true });
    const existing = await stat(path).then(
      (s) => s.mode & 0o7777,
      () => undefined,
    );
    await writeDurably(temp, text, mode ?? existing ?? 0o644, mode !== undefined || existing !== undefined);
    await rename(temp, path);
    await syncFolder(folder);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Writes a new file and fsyncs it; `exact` sets the mode as given (else the umask applies). Returns its inode. */
async function writeDurably(path: string, text: string, mode: number, exact: boolean): Promise<number> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    if (exact) await handle.chmod(mode);
    await handle.sync();
    return (await handle.stat()).ino;
  } finally {
    await handle.close();
  }
}

/** fsync of a folder, so a rename or link in it survives a crash; where folders cannot be opened or synced (Windows, some file systems), nothing. */
async function syncFolder(folder: string): Promise<void> {
  const unsupported = (error: unknown): void => {
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EBADF', 'EACCES'].includes(errnoOf(error) ?? '')) throw error;
  };
  const handle = await open(folder, 'r').catch(unsupported);
  if (!handle) return;
  try {
    await handle.sync().catch(unsupported);
  } finally {
    await handle.close();
  }
}

/** `.<name>.tce-save-<pid>-<random>.tmp` (the new text) or `.old` (a second name for the file a save replaces). */
const saveFileName = (path: string, kind: 'tmp' | 'old'): string =>
  join(dirname(path), `.${basename(path)}.tce-save-${process.pid}-${randomBytes(4).toString('hex')}.${kind}`);
const SAVE_FILE = /^\..+\.tce-save-(\d+)-[0-9a-f]{8}\.(tmp|old)$/;

/**
 * Removes what saves that were killed midway left in `folders`: the temporary files of
 * processes that no longer run (another console saving right now keeps its own). Returns them.
 */
export async function removeStaleSaveFiles(folders: Iterable<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of new Set(folders)) {
    const names = await readdir(folder).catch(() => []);
    for (const name of names) {
      const pid = Number(SAVE_FILE.exec(name)?.[1]);
      if (!pid || pid === process.pid || isRunning(pid)) continue;
      await unlink(join(folder, name)).then(
        () => removed.push(join(folder, name)),
        () => undefined,
      );
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}
