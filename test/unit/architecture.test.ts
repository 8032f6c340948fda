// The layer matrix of CONTRIBUTING.md, asserted on the real imports of every TypeScript file:
// each import, export-from, `import x = require()`, dynamic `import()` and `import('…')` type is
// read with the TypeScript parser and resolved to a file, then checked against the layer rules.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCE_DIRS = ['shared', 'renderer', 'electron', 'test', 'bench', 'support'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'fixtures']);
const TS_FILE = /\.(ts|tsx|cts|mts)$/;

type Layer = 'shared' | 'renderer' | 'electron' | 'support' | 'test' | 'bench' | 'tooling';

/** Which layers a layer may import (its own included). Tooling (the root config files) is unrestricted. */
const ALLOWED: Record<Exclude<Layer, 'tooling'>, readonly Layer[]> = {
  shared: ['shared'],
  renderer: ['renderer', 'shared'],
  electron: ['electron', 'shared'],
  support: ['support', 'electron', 'shared'],
  test: ['test', 'support', 'electron', 'renderer', 'shared'],
  bench: ['bench', 'support', 'electron', 'renderer', 'shared'],
};

/** The only npm packages shared/ may use: pure JavaScript that runs in Node, browsers and workers alike. */
const PURE_PACKAGES = new Set(['saxes', 'yaml']);
/** Packages that need Node (or Electron's main process) and so never belong in the renderer. */
const NODE_ONLY_PACKAGES = new Set(['electron', 'ws', 'amqplib']);
/** The two faces of the host (Electron IPC and the browser's WebSocket) stay independent of each other. */
const FACES = ['electron/shell/', 'electron/web/'];

interface Import {
  from: string;
  specifier: string;
  line: number;
  /** The repository file it resolves to, or undefined for a package or built-in. */
  target?: string;
}

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (TS_FILE.test(entry.name)) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(ROOT, dir))) walk(dir);
  for (const entry of readdirSync(ROOT)) if (TS_FILE.test(entry)) files.push(entry);
  return files.sort();
}

/** Every module specifier a file names, type-only ones included. */
function specifiers(path: string): { specifier: string; line: number }[] {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const source = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node))
      found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node.moduleReference.expression);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    )
      add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `tce-console/<entry>` resolves through package.json's `source` condition, as vitest and tsc see it. */
const SELF_EXPORTS: Record<string, string> = Object.fromEntries(
  Object.entries(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { source?: string }> })
      .exports,
  )
    .filter(([, entry]) => typeof entry === 'object' && entry.source)
    .map(([key, entry]) => [`tce-console${key.slice(1)}`, entry.source!.replace(/^\.\//, '')]),
);

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/** The repository file a relative or self-referencing specifier names (`.js` written for `.ts`, Vite's `?worker` suffix). */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (SELF_EXPORTS[specifier]) return SELF_EXPORTS[specifier];
  const bare = specifier.replace(/\?.*$/, '');
  const base = resolve(ROOT, dirname(from), bare);
  const stem = base.replace(/\.(js|jsx|cjs|mjs)$/, '');
  const typed =
    { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.cjs': ['.cts'], '.mjs': ['.mts'] }[base.slice(stem.length)] ?? [];
  const candidates = [...typed.map((ext) => stem + ext), base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  const hit = candidates.find(isFile);
  return hit && relative(ROOT, hit).split(sep).join('/');
}

const FILES = sourceFiles();
const IMPORTS: Import[] = FILES.flatMap((from) =>
  specifiers(from).map(({ specifier, line }) => {
    const local = specifier.startsWith('.') || SELF_EXPORTS[specifier] !== undefined;
    return {
      from,
      specifier,
      line,
      ...(local ? { target: resolveLocal(from, specifier) ?? `unresolved:${specifier}` } : {}),
    };
  }),
);

function layerOf(path: string): Layer {
  const top = path.split('/')[0]!;
  return (SOURCE_DIRS.includes(top) ? top : 'tooling') as Layer;
}

const where = (i: Import): string => `${i.from}:${i.line} imports '${i.specifier}'`;
const packageName = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

describe('architecture: the layer matrix holds for every import', () => {
  it('the scan sees the whole tree and resolves every local import', () => {
    for (const dir of ['shared/', 'renderer/', 'electron/shell/', 'test/unit/', 'bench/'])
      expect(
        FILES.some((f) => f.startsWith(dir)),
        dir,
      ).toBe(true);
    expect(IMPORTS.length).toBeGreaterThan(FILES.length);
    expect(IMPORTS.filter((i) => i.target?.startsWith('unresolved:')).map(where)).toEqual([]);
  });

  it('each layer imports only the layers it may', () => {
    const wrong = IMPORTS.filter((i) => {
      const from = layerOf(i.from);
      return (
        i.target !== undefined &&
        !i.target.startsWith('unresolved:') &&
        from !== 'tooling' &&
        !ALLOWED[from].includes(layerOf(i.target))
      );
    });
    expect(wrong.map((i) => `${where(i)} (${layerOf(i.from)} → ${layerOf(i.target!)})`)).toEqual([]);
  });

  it('shared/ is pure: no Node built-ins and only pure packages', () => {
    const wrong = IMPORTS.filter(
      (i) =>
        layerOf(i.from) === 'shared' &&
        !i.target &&
        (isBuiltin(i.specifier) || !PURE_PACKAGES.has(packageName(i.specifier))),
    );
    expect(wrong.map(where)).toEqual([]);
  });

  it('renderer/ uses no Node built-ins and no Node-only packages', () => {
    const wrong = IMPORTS.filter(
      (i) =>
        layerOf(i.from) === 'renderer' &&
        !i.target &&
        (isBuiltin(i.specifier) || NODE_ONLY_PACKAGES.has(packageName(i.specifier))),
    );
    expect(wrong.map(where)).toEqual([]);
  });

  it('the Electron shell and the browser bridge do not import each other', () => {
    const wrong = IMPORTS.filter(
      (i) =>
        i.target &&
        FACES.some((face) => i.from.startsWith(face)) &&
        FACES.some((face) => i.target!.startsWith(face) && !i.from.startsWith(face)),
    );
    expect(wrong.map(where)).toEqual([]);
  });

  it('no import cycles, type-only imports included', () => {
    const edges = new Map<string, string[]>(FILES.map((f) => [f, []]));
    for (const i of IMPORTS) if (i.target && edges.has(i.target)) edges.get(i.from)!.push(i.target);
    expect(cycles(edges).map((c) => c.join(' → '))).toEqual([]);
  });
});

describe('architecture: the checker itself', () => {
  it('finds a cycle and leaves an acyclic graph alone', () => {
    const graph = (pairs: [string, string[]][]) => new Map(pairs);
    expect(
      cycles(
        graph([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(cycles(graph([['a', ['a']]]))).toEqual([['a']]);
    expect(
      cycles(
        graph([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });
});

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) connect(v);
  return found;
}
