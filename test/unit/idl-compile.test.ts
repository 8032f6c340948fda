/** compile(): imports, module merging, ASTs with exact ranges, doc comments, lexing details, diagnostics order. */
import { describe, expect, it } from 'vitest';
import type { IdlFileAst, Node } from '../../shared/idl/ast.js';
import { compile, type CompileOptions } from '../../shared/idl/compile.js';
import { formatDiagnostic } from '../../shared/idl/diagnostics.js';
import { positionsOf } from '../../shared/idl/positions.js';
import type { SourceFile, SourceSpan } from '../../shared/idl/source.js';

/** An in-memory folder; imports resolve like the original: <dir of importer>/<name>.idl. */
function folder(files: Record<string, string>): { files: SourceFile[]; options: CompileOptions } {
  const all = Object.entries(files).map(([path, text]) => ({ path, text }));
  return {
    files: all,
    options: {
      resolveImport: (from, name) => {
        const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
        return all.find((f) => f.path === `${dir}${name}.idl`);
      },
    },
  };
}

const slice = (text: string, r: SourceSpan): string => text.slice(r.start, r.end);

describe('imports and module merging', () => {
  const project = folder({
    'android/base.idl': 'module common{\n\tstruct Box{ int w; int h; };\n\tinterface Base{ void ping(); };\n}\n',
    'android/service.idl':
      'import base\nmodule common{\n\tinterface Service extends Base{ Box measure(); };\n}\nmodule app{\n\t[index=10] interface Front extends common::Service{ void open(common::Box b); };\n}\n',
  });

  it('loads an import once, merges the module across files and resolves extends across files', () => {
    const service = project.files[1]!;
    const r = compile([service], project.options);
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['android/service.idl', 'android/base.idl']);
    expect(r.asts.map((a) => a.path)).toEqual(['android/service.idl', 'android/base.idl']);
    expect(r.model.modules.map((m) => [m.name, m.files, m.interfaces])).toEqual([
      ['common', ['android/base.idl', 'android/service.idl'], ['common.Base', 'common.Service']],
      ['app', ['android/service.idl'], ['app.Front']],
    ]);
    // The imported file is parsed at the import, so its interfaces are numbered first.
    expect(r.model.interfaces['common.Base']!.index).toBe(0);
    expect(r.model.interfaces['common.Service']).toMatchObject({ index: 1, base: 'common.Base' });
    expect(r.model.interfaces['app.Front']).toMatchObject({ index: 10, base: 'common.Service' });
    expect(r.model.interfaces['common.Service']!.operations[0]!.returns).toEqual({ kind: 'ref', name: 'common.Box' });
  });

  it('does not load a file twice when it is both given and imported', () => {
    const r = compile(project.files, project.options);
    expect(r.files.map((f) => f.path)).toEqual(['android/base.idl', 'android/service.idl']);
    expect(r.diagnostics).toEqual([]);
  });

  it('numbers in parse order: an import in the middle of a file comes between its blocks', () => {
    const p = folder({
      'main.idl': 'module m{ interface X{ void x(); }; }\nimport other\nmodule m{ interface Y{ void y(); }; }\n',
      'other.idl': 'module m{ interface B{ void b(); }; }\n',
    });
    const r = compile([p.files[0]!], p.options);
    expect(Object.values(r.model.interfaces).map((i) => `${i.name}=${i.index}`)).toEqual(['X=0', 'B=1', 'Y=2']);
  });

  it('accepts import cycles', () => {
    const p = folder({
      'a.idl': 'import b\nmodule a{ struct A{ int x; }; }\n',
      'b.idl': 'import a\nmodule b{ struct B{ a::A a; }; }\n',
    });
    const r = compile([p.files[0]!], p.options);
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['a.idl', 'b.idl']);
  });

  it('reports a missing import at its name, and a resolver that throws', () => {
    const text = 'import nowhere\nmodule a{ struct A{ int x; }; }\n';
    const r = compile([{ path: 'dir/a.idl', text }], { resolveImport: () => undefined });
    expect(r.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(r.diagnostics[0]!)).toBe(
      "dir/a.idl:1:8: error: cannot find imported file 'nowhere' (nowhere.idl beside dir/a.idl)",
    );
    const thrown = compile([{ path: 'a.idl', text }], {
      resolveImport: () => {
        throw new Error('EACCES: permission denied');
      },
    });
    expect(thrown.diagnostics[0]).toMatchObject({
      code: 'import-not-found',
      message: expect.stringContaining('EACCES'),
    });
  });

  it('reports a duplicate across files with the first declaration as related information', () => {
    const r = compile([
      { path: 'one.idl', text: 'module m{ struct P{ int x; }; }' },
      { path: 'two.idl', text: 'module m{\n\tstruct P{ int y; };\n}' },
    ]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'duplicate-name',
      range: { file: 'two.idl', start: { line: 2, column: 9 } },
    });
    expect(r.diagnostics[0]!.related![0]!.range).toMatchObject({ file: 'one.idl', start: { line: 1, column: 18 } });
    // The first declaration wins in the model.
    expect(r.model.types['m.P']).toMatchObject({ kind: 'struct', fields: [{ name: 'x' }] });
  });

  it('sorts diagnostics by file in parse order, then line and column', () => {
    const r = compile([
      { path: 'z.idl', text: 'module z{\n\tstruct S{ Unknown u; };\n\tstruct T{ Missing m; };\n}' },
      { path: 'a.idl', text: 'module a{ struct S{ Nope n; }; }' },
    ]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "z.idl:2:12: error: unknown type 'Unknown'",
      "z.idl:3:12: error: unknown type 'Missing'",
      "a.idl:1:21: error: unknown type 'Nope'",
    ]);
  });
});

describe('ASTs', () => {
  const text = [
    '// header',
    'module demo{',
    '\tsequence<int> IntList;',
    '\tdictionary<string, IntList> Index;',
    '\tstruct Point{ float x; float y; };',
    '\t[index=7, comment="things"]',
    '\tinterface Things extends demo::Base2{',
    '\t\t[index=3] Index lookup(IntList keys, string prefix);',
    '\t\tvoid reset();',
    '\t};',
    '\tinterface Base2{ void ping(); };',
    '}',
    'import other',
  ].join('\n');
  const r = compile([{ path: 'demo.idl', text }], {
    resolveImport: () => ({ path: 'other.idl', text: 'module other{}' }),
  });
  const ast = r.asts[0]!;

  it('gives every node a range and every named node a nameRange that slices to its name', () => {
    expect(r.diagnostics).toEqual([]);
    let named = 0;
    walk(ast, (node) => {
      expect(node.range.start).toBeLessThanOrEqual(node.range.end);
      const n = node as Node & { name?: string; nameRange?: SourceSpan };
      if (n.nameRange) {
        named++;
        expect(slice(text, n.nameRange)).toBe(n.name);
        expect(n.nameRange.start).toBeGreaterThanOrEqual(node.range.start);
        expect(n.nameRange.end).toBeLessThanOrEqual(node.range.end);
      }
    });
    // module, 2 typedefs, struct + 2 members, 2 interfaces, 3 operations, 2 params, base ref, import, every type ref.
    expect(named).toBeGreaterThan(20);
  });

  it('ranges cover the declaration as written', () => {
    const [mod, imp] = ast.items;
    expect(imp).toMatchObject({ kind: 'import', name: 'other' });
    if (mod?.kind !== 'module') throw new Error('expected the module first');
    const [seq, dict, struct, things] = mod.elements;
    expect(slice(text, seq!.range)).toBe('sequence<int> IntList');
    expect(slice(text, dict!.range)).toBe('dictionary<string, IntList> Index');
    expect(slice(text, struct!.range)).toBe('struct Point{ float x; float y; }');
    if (things?.kind !== 'interface') throw new Error('expected the interface fourth');
    expect(slice(text, things.range).startsWith('[index=7, comment="things"]\n\tinterface Things')).toBe(true);
    expect(slice(text, things.range).endsWith('void reset();\n\t}')).toBe(true);
    expect(things.base).toMatchObject({ module: 'demo', name: 'Base2' });
    expect(slice(text, things.base!.range)).toBe('demo::Base2');
    expect(slice(text, things.base!.moduleRange!)).toBe('demo');
    const lookup = things.operations[0]!;
    expect(slice(text, lookup.range)).toBe('[index=3] Index lookup(IntList keys, string prefix);');
    expect(slice(text, lookup.annotation!.range)).toBe('[index=3]');
    expect(lookup.annotation!.attrs[0]).toMatchObject({ key: 'index', value: '3', valueKind: 'number' });
    expect(lookup.params.map((p) => slice(text, p.range))).toEqual(['IntList keys', 'string prefix']);
    expect(things.annotation!.attrs[1]).toMatchObject({ key: 'comment', value: 'things', valueKind: 'string' });
    expect(slice(text, things.annotation!.attrs[1]!.valueRange)).toBe('"things"');
    expect(positionsOf({ path: 'demo.idl', text }).pos(lookup.nameRange.start)).toEqual({
      line: 8,
      column: 19,
      offset: text.indexOf('lookup'),
    });
  });

  it('puts name ranges into the model for hover and go-to-definition', () => {
    const things = r.model.interfaces['demo.Things']!;
    expect(slice(text, things.nameRange!)).toBe('Things');
    expect(slice(text, things.operations[0]!.nameRange!)).toBe('lookup');
    expect(slice(text, things.operations[0]!.params[1]!.nameRange!)).toBe('prefix');
    const point = r.model.types['demo.Point']!;
    expect(point.kind === 'struct' && slice(text, point.fields[1]!.nameRange!)).toBe('y');
  });

  it('keeps a best-effort model and AST when there are errors', () => {
    const broken = compile([
      {
        path: 'b.idl',
        text: 'module m{\n\tstruct P{ Nope n; int ok; };\n\tinterface I{ void f(P p); void g(;\n\tvoid h(); };\n}',
      },
    ]);
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['unknown-type', 'unexpected-token']);
    expect(broken.model.types['m.P']).toMatchObject({
      fields: [{ name: 'n', type: { kind: 'ref', name: 'm.Nope' } }, { name: 'ok' }],
    });
    expect(broken.model.interfaces['m.I']!.operations.map((o) => `${o.name}=${o.index}`)).toEqual(['f=0', 'h=1']);
  });
});

describe('doc comments', () => {
  const text = [
    'module docs{',
    '\t// Unused: a blank line follows.',
    '',
    '\t// A point.',
    '\t// In pixels.',
    '\tstruct Point{',
    '\t\tint x; // trailing, not a doc',
    '\t\tint y;',
    '\t\t/* The depth. */',
    '\t\tint z;',
    '\t};',
    '\t// Overridden by the comment annotation.',
    '\t[comment="From the annotation \\"quoted\\""]',
    '\tinterface Svc{',
    '\t\t/**',
    '\t\t * Says hello.',
    '\t\t */',
    '\t\tvoid hello();',
    '\t\t[comment="Annotated op"] void bye();',
    '\t};',
    '\t// The list.',
    '\tsequence<Point> Points;',
    '}',
  ].join('\n');
  const r = compile([{ path: 'docs.idl', text }]);

  it('takes // and /* */ comments directly above a declaration, and comment annotations first', () => {
    expect(r.diagnostics).toEqual([]);
    const point = r.model.types['docs.Point']!;
    expect(point.doc).toBe('A point.\nIn pixels.');
    expect(point.kind === 'struct' && point.fields.map((f) => f.doc)).toEqual([undefined, undefined, 'The depth.']);
    const svc = r.model.interfaces['docs.Svc']!;
    expect(svc.doc).toBe('From the annotation "quoted"');
    expect(svc.operations.map((o) => o.doc)).toEqual(['Says hello.', 'Annotated op']);
    expect(r.model.types['docs.Points']!.doc).toBe('The list.');
  });
});

describe('lexing', () => {
  it('keywords are whole words only', () => {
    const r = compile([
      {
        path: 'k.idl',
        text: 'module imported{ struct structure{ int sequenceNo; }; interface interfaces extends extendsX{ void f(); }; }',
      },
    ]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown-type']);
    expect(r.model.types['imported.structure']).toBeDefined();
  });

  it('accepts number suffixes, CRLF and CR line ends, and a BOM', () => {
    const text = '\uFEFFmodule m{\r\n\t[index=5u]\r\n\tinterface I{ [index=7UL] void f(); };\rstruct S{ Bad b; };\r\n}';
    const r = compile([{ path: 'crlf.idl', text }]);
    expect(r.model.interfaces['m.I']).toMatchObject({ index: 5, operations: [{ index: 7 }] });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(["crlf.idl:4:11: error: unknown type 'Bad'"]);
  });

  it('reports a file that ends inside a comment or string, and never a doc from a trailing comment', () => {
    const r = compile([{ path: 'e.idl', text: 'module m{ struct S{ int x; }; }\n/* open' }]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "e.idl:2:1: error: unterminated comment: '/*' has no closing '*/'",
    ]);
    expect(r.model.types['m.S']).toBeDefined();
  });
});

function walk(node: IdlFileAst | Node, visit: (n: Node) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && 'kind' in child && 'range' in child) walk(child as Node, visit);
    }
  }
}
