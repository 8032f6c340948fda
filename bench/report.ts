// The bench's outputs: the table (median, min–max, goal, met?), the JSON file of a run
// (`--json out.json`) and the change per row against an earlier one (`--compare old.json`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchRow, Range } from './types.js';

export interface SectionResult {
  name: string;
  title: string;
  rows: BenchRow[];
  /** Set instead of rows when the section threw. */
  error?: string;
}

/** What `--json` writes: enough to compare runs across commits. */
export interface BenchFile {
  createdAt: string;
  commit: string | undefined;
  node: string;
  sections: SectionResult[];
}

const digits = (v: number): number => (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
const num = (v: number, d = digits(v)): string => v.toLocaleString('en-US', { maximumFractionDigits: d });
const span = ([min, max]: Range, format: (v: number) => string): string => ` (${format(min)}–${format(max)})`;

const formatValue = (r: BenchRow): string =>
  `${num(r.value)} ${r.unit}${r.range ? span(r.range, (v) => num(v, digits(r.value))) : ''}`;
const fixed2 = (v: number): string => v.toFixed(2);
const formatRatio = (r: BenchRow): string =>
  r.ratio === undefined ? '' : `${fixed2(r.ratio)}×${r.ratioRange ? span(r.ratioRange, fixed2) : ''}`;

/** Whether the row's median meets its numeric goal; undefined when it has none. */
export function met(r: BenchRow): boolean | undefined {
  if (!r.target) return undefined;
  const v = r.target.of === 'ratio' ? r.ratio : r.value;
  if (v === undefined || Number.isNaN(v)) return false;
  return (
    (r.target.atLeast === undefined || v >= r.target.atLeast) && (r.target.atMost === undefined || v <= r.target.atMost)
  );
}

/** "+12% (0.22× → 0.25×)": the ratio's change where the row has one, else the value's. */
function change(r: BenchRow, old: BenchRow | undefined): string {
  if (!old) return 'new';
  const [a, b, unit] =
    r.ratio !== undefined && old.ratio !== undefined ? [old.ratio, r.ratio, '×'] : [old.value, r.value, ` ${r.unit}`];
  if (a === b) return '=';
  const pct = a === 0 ? '' : `${b > a ? '+' : ''}${Math.round(((b - a) / Math.abs(a)) * 100)}% `;
  const format = unit === '×' ? fixed2 : (v: number): string => num(v);
  return `${pct}(${format(a)}${unit} → ${format(b)}${unit})`;
}

export function printSection(section: SectionResult, old?: BenchFile): void {
  console.log(`\n${section.title}`);
  if (section.error !== undefined) {
    console.log(`  failed: ${section.error}`);
    return;
  }
  const oldRows = new Map(old?.sections.find((s) => s.name === section.name)?.rows.map((r) => [r.name, r]));
  const verdict = (r: BenchRow): string => {
    const m = met(r);
    return m === undefined ? '' : m ? 'yes' : 'NO';
  };
  const header = ['benchmark', 'median (min–max)', 'ratio (min–max)', 'goal', 'met?', ...(old ? ['change'] : [])];
  const cells = section.rows.map((r) => [
    r.name,
    formatValue(r),
    formatRatio(r),
    r.goal ?? '',
    verdict(r),
    ...(old ? [change(r, oldRows.get(r.name))] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join(' │ ')
      .trimEnd();
  console.log(`${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('─┼─')}`);
  for (const c of cells) console.log(line(c));
}

export function writeBenchFile(path: string, sections: SectionResult[]): void {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = undefined; // not a git checkout
  }
  const file: BenchFile = { createdAt: new Date().toISOString(), commit, node: process.version, sections };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
}

export function readBenchFile(path: string): BenchFile {
  const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchFile>;
  if (!Array.isArray(file.sections)) throw new Error(`${path} is not a file written by npm run bench -- --json`);
  return file as BenchFile;
}
