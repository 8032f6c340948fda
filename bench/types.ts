/** min–max over the rounds a median was taken from. */
export type Range = [min: number, max: number];

/** A row's goal as numbers, so the table can say whether the median met it. */
export interface Target {
  /** Which number is judged: the ratio to the reference, or the value itself. */
  of: 'ratio' | 'value';
  atLeast?: number;
  atMost?: number;
}

/** One line of the `npm run bench` table. */
export interface BenchRow {
  name: string;
  /** The median over the rounds (or the one measurement). */
  value: number;
  unit: string;
  /** min–max of `value` over the rounds; absent for a single measurement. */
  range?: Range;
  /** Against the reference named in `goal`, per round, median (1.0 = equal). */
  ratio?: number;
  /** min–max of the per-round ratios. */
  ratioRange?: Range;
  /** The target in words, e.g. `≥ 1.5× protobufjs`. */
  goal?: string;
  /** The goal as numbers; rows whose goal has none show no verdict. */
  target?: Target;
}
