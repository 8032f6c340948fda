// The Open project dialog's folder browser: one folder's subfolders on the host machine.
// Directories only (no file names leave the host), hidden ones left out, the list bounded.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import { FOLDER_LIST_MAX, type FolderListing } from '../../shared/console-api/types.js';

const isFolder = async (path: string): Promise<boolean> => (await stat(path).catch(() => null))?.isDirectory() ?? false;

/**
 * Lists `typed`: a folder ("/home/me/" or "/home/me") lists all its subfolders; a partial path
 * ("/home/me/wo") lists the subfolders of /home/me that start with "wo". `~` is the home folder.
 */
export async function browseFolders(typed: string): Promise<FolderListing> {
  const expanded = typed.trim() === '' ? homedir() : typed.trim().replace(/^~(?=$|[/\\])/, homedir());
  const full = resolve(expanded);
  const endsWithSeparator = /[/\\]$/.test(expanded);
  const [folder, prefix] =
    endsWithSeparator || (await isFolder(full)) ? [full, ''] : [dirname(full), full.slice(dirname(full).length + 1)];
  const entries = await readdir(folder, { withFileTypes: true }).catch((e: unknown) => {
    throw new ConsoleError('not-found', `cannot list ${folder}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const lower = prefix.toLowerCase();
  const matching = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name.toLowerCase().startsWith(lower))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const parent = dirname(folder);
  return {
    folder,
    parent: parent === folder ? null : parent,
    folders: matching.slice(0, FOLDER_LIST_MAX).map((name) => join(folder, name)),
    truncated: matching.length > FOLDER_LIST_MAX,
    hasServicesXml: existsSync(join(folder, 'services.xml')),
  };
}
