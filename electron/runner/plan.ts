import { baseNameOf, compareCallNames, folderOf, isInFolder, SETUP, TEARDOWN } from '../../shared/collections/names.js';
import type { CallReport, SavedCall } from '../../shared/console-api/types.js';

export interface PlannedCall {
  call: SavedCall;
  role: CallReport['role'];
}

const roleOf = (name: string): CallReport['role'] =>
  baseNameOf(name) === SETUP ? 'setup' : baseNameOf(name) === TEARDOWN ? 'teardown' : 'call';

/** A folder's setup before everything in it (sub-folders too), its teardown after; the rest in name order. */
function compareRun(a: string, b: string): number {
  const key = (name: string): [number, string][] => {
    const parts = name.split('/');
    const last = parts.pop()!;
    const rank = last === SETUP ? 0 : last === TEARDOWN ? 2 : 1;
    return [...parts.map((p): [number, string] => [1, p]), [rank, rank === 1 ? last : '']];
  };
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const [ra, na] = ka[i]!;
    const [rb, nb] = kb[i]!;
    if (ra !== rb) return ra - rb;
    if (na !== nb) return compareCallNames(na, nb);
  }
  return ka.length - kb.length;
}

/**
 * The calls a selection runs, in order: every call in a selected folder or named (`[]` is
 * everything), plus the setup and teardown of each folder around them. Unknown names are
 * returned so the caller can refuse them.
 */
export function planRun(
  calls: readonly SavedCall[],
  selection: readonly string[],
): { plan: PlannedCall[]; unknown: string[] } {
  const unknown = selection.filter((s) => !calls.some((c) => isInFolder(c.name, s)));
  const chosen = calls.filter((c) => selection.length === 0 || selection.some((s) => isInFolder(c.name, s)));
  const folders = new Set<string>();
  for (const c of chosen)
    for (let f = folderOf(c.name); ; f = folderOf(f)) {
      folders.add(f);
      if (f === '') break;
    }
  const around = calls.filter((c) => roleOf(c.name) !== 'call' && folders.has(folderOf(c.name)));
  const names = new Set([...chosen, ...around].map((c) => c.name));
  const plan = calls
    .filter((c) => names.has(c.name))
    .sort((a, b) => compareRun(a.name, b.name))
    .map((call) => ({ call, role: roleOf(call.name) }));
  return { plan, unknown };
}
