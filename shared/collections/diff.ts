/** A line diff (longest common subsequence) of two texts, for expected vs actual. */
export type DiffLine = { op: 'same' | 'expected' | 'actual'; text: string };

/** Texts longer than this many lines are shown whole, one after the other: the table would be too big. */
const MAX_LINES = 2000;

export function lineDiff(expected: string, actual: string): DiffLine[] {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES)
    return [
      ...a.map((text) => ({ op: 'expected' as const, text })),
      ...b.map((text) => ({ op: 'actual' as const, text })),
    ];
  // lengths[i][j]: the common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) out.push({ op: 'expected', text: a[i++]! });
    else out.push({ op: 'actual', text: b[j++]! });
  }
  while (i < a.length) out.push({ op: 'expected', text: a[i++]! });
  while (j < b.length) out.push({ op: 'actual', text: b[j++]! });
  return out;
}
