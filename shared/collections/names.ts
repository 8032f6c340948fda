/**
 * Names of saved calls. A name is folders and a call joined by `/` (`orders/create`); each part
 * is a file or folder name under `.tce-console/saved-calls/`. A collection runs in name order,
 * compared part by part so that a folder's calls stay together (`a/z` before `a-b`), and a
 * folder's `setup` call runs before its other calls and its `teardown` call after them.
 */

export const SETUP = 'setup';
export const TEARDOWN = 'teardown';

/** The folder of a call (`a/b` for `a/b/name`), `''` at the top. */
export function folderOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? '' : name.slice(0, slash);
}

/** The last part of a name. */
export function baseNameOf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Whether `name` is `folder` itself or lies inside it (`''` holds everything). */
export function isInFolder(name: string, folder: string): boolean {
  return folder === '' || name === folder || name.startsWith(`${folder}/`);
}

/** Part by part, in UTF-16 code unit order (the same on every machine, whatever its locale). */
export function compareCallNames(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}
