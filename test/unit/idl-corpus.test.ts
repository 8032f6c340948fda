/**
 * The malformed-IDL corpus: test/fixtures/idl-bad/*.idl.
 *
 * Each file begins with its expected diagnostics, one per line:
 *     // expect: LINE:COLUMN SEVERITY CODE
 * or the single line `// expect: none` for a file that must compile without errors or warnings.
 * LINE and COLUMN are 1-based and count the expect lines themselves. Errors and warnings must
 * match the list exactly (nothing missing, nothing extra, so cascades are visible); info
 * diagnostics are checked only when listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/idl/compile.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';

const DIR = 'test/fixtures/idl-bad';
const EXPECT = /^\/\/ expect: (?:none|(\d+):(\d+) (error|warning|info) ([a-z-]+))\s*$/;
/** Generous: each file compiles in well under a millisecond; this only catches a runaway loop. */
const TIME_BOUND_MS = 1000;

interface Expected {
  line: number;
  column: number;
  severity: string;
  code: string;
}

function readExpectations(text: string): Expected[] {
  const expected: Expected[] = [];
  for (const line of text.split('\n')) {
    const m = EXPECT.exec(line);
    if (!m) break;
    if (m[1]) expected.push({ line: Number(m[1]), column: Number(m[2]), severity: m[3]!, code: m[4]! });
  }
  return expected;
}

const key = (e: Expected): string => `${e.line}:${e.column} ${e.severity} ${e.code}`;
const keyOf = (d: Diagnostic): string =>
  key({ line: d.range.start.line, column: d.range.start.column, severity: d.severity, code: d.code });

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.idl'))
  .sort();

describe('malformed IDL corpus', () => {
  it('has at least 30 files, each stating its expectations', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(readFileSync(`${DIR}/${f}`, 'utf8'), f).toMatch(/^\/\/ expect: /);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(`${DIR}/${file}`, 'utf8');
    const expected = readExpectations(text);
    const started = performance.now();
    const result = compile([{ path: file, text }]);
    expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);

    const actual = result.diagnostics.map(keyOf);
    for (const e of expected) expect(actual, `${file}: missing ${key(e)}`).toContain(key(e));
    const listed = new Set(expected.map(key));
    const unexpected = result.diagnostics.filter((d) => d.severity !== 'info' && !listed.has(keyOf(d)));
    expect(
      unexpected.map((d) => `${keyOf(d)}: ${d.message}`),
      `${file}: unexpected diagnostics`,
    ).toEqual([]);
    for (const d of result.diagnostics) {
      expect(d.message.length, `${file}: ${d.code} has a message`).toBeGreaterThan(10);
      expect(d.range.file).toBe(file);
    }
  });
});
