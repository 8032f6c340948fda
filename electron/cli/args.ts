/** Command-line parsing shared by the CLIs: no library, one loop, clear messages. */

/** A bad command line: the CLI prints the message and its usage and exits 2. */
export class UsageError extends Error {}

/**
 * Walks a command line. `visit` gets each argument and `value`, which takes the next argument
 * as this one's value (a UsageError `--x needs a value` when there is none or it is empty).
 * A visit returning 'stop' ends the walk (`--help`); scanArgs then returns 'stop'.
 */
export function scanArgs(
  argv: readonly string[],
  visit: (arg: string, value: () => string) => void | 'stop',
): 'stop' | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (visit(arg, value) === 'stop') return 'stop';
  }
  return undefined;
}

/** The value if it is one of `choices`; else `--x must be a or b, not 'c'` (or `one of a, b, c`). */
export function choice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === value);
  if (found !== undefined) return found;
  const list = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
  throw new UsageError(`${option} must be ${list}, not '${value}'`);
}

/** A whole number of milliseconds (or other unit) in [min, max]. */
export function wholeNumber(option: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${option} needs a whole number from ${min} to ${max}, not '${value}'`);
  return Number(value);
}
