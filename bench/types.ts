/** One line of the `npm run bench` table. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Against the reference named in `goal`, measured in the same run (1.0 = equal). */
  ratio?: number;
  /** The target, e.g. `≥ 1.5× protobufjs`. */
  goal?: string;
}
