// docs/protocol.md is what the code's `spec §N` citations point at: every cited section, item,
// rule and vector must exist there, and its printed test vectors must be the ones the tests use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../support/hex.js';
import * as vectors from '../support/spec-vectors.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PROTOCOL = readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8');
const CITING_DIRS = ['shared', 'electron', 'renderer', 'test', 'bench', 'support', 'docs'];
const CITING_FILE = /\.(ts|tsx|cts|mts|md)$/;

/** Section number → its text (up to the next heading of any level). */
function sections(markdown: string): Map<string, string> {
  const found = new Map<string, string>();
  const headings = [...markdown.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)];
  headings.forEach((h, i) => found.set(h[1]!, markdown.slice(h.index, headings[i + 1]?.index ?? markdown.length)));
  return found;
}

function citingFiles(): string[] {
  const files: string[] = ['README.md', 'CONTRIBUTING.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!['node_modules', 'fixtures', 'golden', 'generated'].includes(entry.name)) walk(path);
      } else if (CITING_FILE.test(entry.name)) files.push(path);
    }
  };
  CITING_DIRS.forEach(walk);
  return files;
}

interface Citation {
  where: string;
  section: string;
  /** `item 11`, `rule 4` or `V1` after the section number. */
  part?: { kind: 'item' | 'rule' | 'vector'; n: string };
}

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const file of citingFiles()) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // README.md or CONTRIBUTING.md missing is another test's business
    }
    for (const m of text.matchAll(/§(\d+(?:\.\d+)*)(?:\s+(items?|rules?)\s+(\d+)|\s+(V\d+))?/g)) {
      const line = text.slice(0, m.index).split('\n').length;
      const part = m[2]
        ? { kind: m[2].startsWith('item') ? ('item' as const) : ('rule' as const), n: m[3]! }
        : m[4]
          ? { kind: 'vector' as const, n: m[4] }
          : undefined;
      found.push({ where: `${file}:${line}`, section: m[1]!, ...(part ? { part } : {}) });
    }
  }
  return found;
}

const SECTIONS = sections(PROTOCOL);

function resolves(c: Citation): boolean {
  const text = SECTIONS.get(c.section);
  if (text === undefined) return false;
  if (!c.part) return true;
  if (c.part.kind === 'vector') return text.includes(`**${c.part.n}**`);
  // A subsection (`#### 7.5.7`), a numbered list entry (`4. …`) or a table row whose first cell is the number (`| 11 |`).
  if (SECTIONS.has(`${c.section}.${c.part.n}`)) return true;
  return new RegExp(`^(\\s*${c.part.n}\\. |\\|\\s*${c.part.n}\\s*\\|)`, 'm').test(text);
}

describe('docs/protocol.md', () => {
  it('has every section, item, rule and vector that the code and the docs cite', () => {
    const all = citations();
    expect(all.length).toBeGreaterThan(100);
    expect(
      all
        .filter((c) => !resolves(c))
        .map((c) => `${c.where}: §${c.section}${c.part ? ` ${c.part.kind} ${c.part.n}` : ''}`),
    ).toEqual([]);
  });

  it('keeps the numbering the code was written against (sections 0–10)', () => {
    for (const n of ['0', '1', '1.7', '2.6', '3.4', '4.2', '6.4', '7.3', '7.5.6', '8', '9.2', '10'])
      expect(SECTIONS.has(n), `§${n}`).toBe(true);
  });

  it('prints the same test vectors as test/support/spec-vectors.ts', () => {
    const vectorSection = SECTIONS.get('10')!;
    // A vector's dump is the first code block after its name, before the next vector's name.
    const printed = new Map(
      [...vectorSection.matchAll(/\*\*(V\d)\*\*(?:(?!\*\*V\d)[\s\S])*?```\n([\s\S]*?)```/g)].map((m) => [
        m[1]!,
        fromHex(m[2]!),
      ]),
    );
    const inCode = Object.entries(vectors).filter(([name]) => /^V\d$/.test(name));
    expect(inCode.length).toBeGreaterThanOrEqual(7);
    for (const [name, bytes] of inCode) expect(printed.get(name), name).toEqual(bytes);
  });
});
