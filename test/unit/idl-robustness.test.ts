/** The front end under abuse: thousands of random mutations of real IDL, and a 10,000-line file. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../shared/idl/ast.js';
import { compile, type CompileResult } from '../../shared/idl/compile.js';
import type { SourceFile, SourceRange, SourceSpan } from '../../shared/idl/source.js';

const samples = [
  'idl-samples/test.idl',
  'idl-samples/sns.idl',
  'idl-samples/all-types.idl',
  'idl-samples/cluster/test.idl',
].map((path) => readFileSync(path, 'utf8'));
const corpus = readdirSync('test/fixtures/idl-bad')
  .sort()
  .filter((_, i) => i % 4 === 0)
  .map((f) => readFileSync(`test/fixtures/idl-bad/${f}`, 'utf8'));
const sources = [...samples, ...corpus];

/** mulberry32: a small seeded PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  ';',
  '}',
  '{',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  ',',
  '=',
  '::',
  ':',
  '"',
  '/*',
  '*/',
  '//',
  '#',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\\',
  'module',
  'interface',
  'struct',
  'sequence<',
  'dictionary<',
  'extends',
  'import x',
  'import',
  'void',
  'int',
  '[index=',
  '99999',
  '7u',
  'é',
  '𝒳',
  '\uFEFF',
  'test::',
  'exception',
];

function mutate(text: string, rand: () => number): string {
  const at = (): number => Math.floor(rand() * (text.length + 1));
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const p = at();
    switch (Math.floor(rand() * 5)) {
      case 0: // delete a few characters
        text = text.slice(0, p) + text.slice(p + 1 + Math.floor(rand() * 8));
        break;
      case 1: // insert a token-ish snippet
        text = text.slice(0, p) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)]! + text.slice(p);
        break;
      case 2: {
        // duplicate a span somewhere else
        const span = text.slice(p, p + 1 + Math.floor(rand() * 40));
        const q = at();
        text = text.slice(0, q) + span + text.slice(q);
        break;
      }
      case 3: {
        // delete a whole token
        const tokens = [...text.matchAll(/\w+|[^\s\w]/g)];
        const tok = tokens[Math.floor(rand() * tokens.length)];
        if (tok) text = text.slice(0, tok.index) + text.slice(tok.index + tok[0].length);
        break;
      }
      default: {
        // swap two characters far apart
        const q = at();
        const [a, b] = [Math.min(p, q), Math.max(p, q)];
        if (b < text.length) text = text.slice(0, a) + text[b] + text.slice(a + 1, b) + text[a] + text.slice(b + 1);
      }
    }
  }
  return text;
}

/** Line starts as the lexer counts them: LF, CRLF and a lone CR each end a line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

function checkRange(r: SourceRange, files: Map<string, { text: string; starts: number[] }>, what: string): void {
  const file = files.get(r.file);
  if (!file) throw new Error(`${what}: range in unknown file ${r.file}`);
  for (const pos of [r.start, r.end]) {
    if (!(pos.offset >= 0 && pos.offset <= file.text.length))
      throw new Error(`${what}: offset ${pos.offset} outside 0..${file.text.length}`);
    let line = 0;
    while (line + 1 < file.starts.length && file.starts[line + 1]! <= pos.offset) line++;
    const column = pos.offset - file.starts[line]! + 1;
    if (pos.line !== line + 1 || pos.column !== column) {
      throw new Error(`${what}: ${pos.line}:${pos.column} does not match offset ${pos.offset} (${line + 1}:${column})`);
    }
  }
  if (r.start.offset > r.end.offset) throw new Error(`${what}: range ends before it starts`);
}

/** AST spans are offsets: in their file, and in order (their lines come from the same table as diagnostics'). */
function checkSpan(s: SourceSpan, files: Map<string, { text: string }>, what: string): void {
  const file = files.get(s.file);
  if (!file) throw new Error(`${what}: span in unknown file ${s.file}`);
  if (!(s.start >= 0 && s.start <= s.end && s.end <= file.text.length))
    throw new Error(`${what}: span ${s.start}..${s.end} outside 0..${file.text.length} or reversed`);
}

function checkResult(result: CompileResult, inputs: SourceFile[]): void {
  const files = new Map(inputs.map((f) => [f.path, { text: f.text, starts: lineStarts(f.text) }]));
  for (const d of result.diagnostics) {
    if (d.code === 'internal-error') throw new Error(d.message);
    checkRange(d.range, files, `${d.code} diagnostic`);
    for (const rel of d.related ?? []) checkRange(rel.range, files, `${d.code} related`);
  }
  for (const ast of result.asts) {
    const visit = (node: Node): void => {
      checkSpan(node.range, files, 'AST node');
      for (const value of Object.values(node)) {
        for (const child of Array.isArray(value) ? value : [value]) {
          if (child && typeof child === 'object' && 'kind' in child && 'range' in child) visit(child as Node);
        }
      }
    };
    visit(ast);
  }
  // The model stays plain data even when the input is garbage.
  JSON.stringify(result.model);
}

describe('robustness', () => {
  it('survives 3000 random mutations: no throw, no hang, every range inside its file', () => {
    const rand = prng(0x7ce);
    const started = performance.now();
    let withErrors = 0;
    for (let i = 0; i < 3000; i++) {
      const text = mutate(sources[i % sources.length]!, rand);
      const inputs: SourceFile[] = [{ path: `m${i}.idl`, text }];
      // Every fifth case also imports a second mutated file (any import name resolves to it).
      const other: SourceFile = { path: `other${i}.idl`, text: mutate(sources[(i + 1) % sources.length]!, rand) };
      const options = i % 5 === 0 ? { resolveImport: () => other } : {};
      let result: CompileResult;
      try {
        result = compile(inputs, options);
      } catch (e) {
        throw new Error(`compile threw on case ${i}: ${String(e)}\n----\n${text}`);
      }
      try {
        checkResult(result, [...inputs, other]);
      } catch (e) {
        throw new Error(`case ${i}: ${String(e)}\n----\n${text}`);
      }
      if (result.diagnostics.some((d) => d.severity === 'error')) withErrors++;
    }
    // The mutations really break things (this is not a test of valid input).
    expect(withErrors).toBeGreaterThan(2000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('survives pathological inputs', () => {
    const cases = [
      '',
      '{'.repeat(20_000),
      '}'.repeat(20_000),
      'module a{ struct S{ sequence' + '<'.repeat(20_000) + ' x; }; }',
      'module a{' + 'interface I extends '.repeat(5_000),
      '['.repeat(10_000),
      'module a{ interface I{ void f(' + 'int a,'.repeat(5_000),
      ';'.repeat(10_000),
      '"'.repeat(10_001),
      'module '.repeat(10_000),
      '/*'.repeat(5_000),
      '\u0000\u0001\u00ff\ud800'.repeat(1_000),
    ];
    for (const text of cases) {
      const started = performance.now();
      const inputs = [{ path: 'p.idl', text }];
      checkResult(compile(inputs), inputs);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});

describe('performance', () => {
  function generate(): string {
    const lines = ['// generated: 200 interfaces x 40 operations, 120 structs, 120 sequences', 'module perf{'];
    for (let s = 0; s < 120; s++) {
      lines.push(`\tstruct S${s}{`);
      for (let f = 0; f < 10; f++) lines.push(`\t\t${f % 2 ? 'string' : s > 0 ? `S${s - 1}` : 'int'} f${f};`);
      lines.push('\t};', `\tsequence<S${s}> L${s};`);
    }
    for (let i = 0; i < 200; i++) {
      lines.push(
        i % 10 === 0 ? `\t[index=${1000 + i}, comment="interface ${i}"]` : '',
        `\tinterface I${i}${i > 0 && i % 3 === 0 ? ` extends I${i - 1}` : ''}{`,
      );
      for (let o = 0; o < 40; o++) {
        lines.push(
          `\t\t${o % 7 === 0 ? `[index=${o + 60}] ` : ''}L${o % 60} op${i}_${o}(S${o % 60} a, string b, int c, L${(o + 1) % 60} d);`,
        );
      }
      lines.push('\t};');
    }
    lines.push('}');
    return lines.join('\n');
  }

  it('compiles a 10,000-line IDL fast', () => {
    const text = generate();
    expect(text.split('\n').length).toBeGreaterThanOrEqual(10_000);
    const file = { path: 'perf.idl', text };
    compile([file]); // warm-up
    let best = Infinity;
    let result: CompileResult | undefined;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      result = compile([file]);
      best = Math.min(best, performance.now() - started);
    }
    console.log(`10,000-line IDL: ${text.split('\n').length} lines, best of 3: ${best.toFixed(1)} ms`);
    expect(result!.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(Object.keys(result!.model.interfaces)).toHaveLength(200);
    expect(result!.model.interfaces['perf.I10']!.index).toBe(1010);
    expect(result!.model.interfaces['perf.I11']!.index).toBe(11);
    expect(result!.model.interfaces['perf.I199']!.operations[7]!.index).toBe(67);
    // Generous: it takes a few tens of milliseconds; this only catches something quadratic.
    expect(best).toBeLessThan(1_000);
  });
});
