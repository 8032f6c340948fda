import type { JsonValue } from '../console-api/types.js';

/**
 * JSONPath-like paths into a JSON value: `$` (the whole value), `.name`, `[0]`, `["any key"]`
 * or `['any key']`, chained (`$.items[0]["unit price"]`). No wildcards or filters: a path names
 * one value, so an expectation about it has one expected and one actual.
 */
export type PathStep = string | number;

export class PathError extends Error {}

export function parsePath(path: string): PathStep[] {
  if (!path.startsWith('$')) throw new PathError(`${path}: a path starts with $ (the result)`);
  const steps: PathStep[] = [];
  let i = 1;
  const fail = (what: string): never => {
    throw new PathError(`${path}: ${what} at column ${i + 1}`);
  };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (!m) fail('expected a name after "."');
      steps.push(m![0]);
      i += 1 + m![0].length;
    } else if (c === '[') {
      const rest = path.slice(i + 1);
      const index = /^(\d+)\]/.exec(rest);
      const quoted = /^(["'])((?:\\.|(?!\1).)*)\1\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        i += 1 + index[0].length;
      } else if (quoted) {
        steps.push(quoted[2]!.replace(/\\(.)/g, '$1'));
        i += 1 + quoted[0].length;
      } else fail('expected [index] or ["key"]');
    } else fail(`unexpected "${c}"`);
  }
  return steps;
}

export type PathValue = { found: true; value: JsonValue } | { found: false; missing: string };

/** The value at `path`, or which step is missing (`$.items[3]: the array has 2 items`). */
export function valueAt(root: JsonValue, path: string): PathValue {
  let value: JsonValue = root;
  let where = '$';
  for (const step of parsePath(path)) {
    const next =
      typeof step === 'number'
        ? `${where}[${step}]`
        : /^[A-Za-z_$][\w$-]*$/.test(step)
          ? `${where}.${step}`
          : `${where}[${JSON.stringify(step)}]`;
    if (typeof step === 'number') {
      if (!Array.isArray(value))
        return { found: false, missing: `${next}: ${where} is ${kindOf(value)}, not an array` };
      if (step >= value.length) return { found: false, missing: `${next}: the array has ${value.length} item(s)` };
      value = value[step]!;
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return { found: false, missing: `${next}: ${where} is ${kindOf(value)}, not an object` };
      if (!Object.prototype.hasOwnProperty.call(value, step)) return { found: false, missing: `${next}: no such key` };
      value = value[step]!;
    }
    where = next;
  }
  return { found: true, value };
}

export const kindOf = (v: JsonValue): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
