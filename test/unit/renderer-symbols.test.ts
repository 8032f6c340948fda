import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/idl/compile.js';
import { buildSymbolIndex } from '../../renderer/worker/symbols.js';

const files = [
  { path: '/p/base.idl', text: 'module base { struct Tick { int t; }; interface Clock { Tick now(); }; };\n' },
  {
    path: '/p/app.idl',
    text: 'import base\nmodule app {\n  interface Server extends base::Clock {\n    string echo(base::Tick at, string text);\n  };\n};\n',
  },
];

describe('editor symbol index', () => {
  const result = compile([files[1]!], {
    resolveImport: (_from, name) => files.find((f) => f.path === `/p/${name}.idl`),
  });
  const index = buildSymbolIndex(result);

  it('hovers show what the checker resolved: ifidx, opidx, base, inherited operations', () => {
    // Interfaces are numbered per module (spec §1.7): both are 0.
    expect(index.symbols['app.Server']!.hover).toContain('ifidx **0**');
    expect(index.symbols['app.Server']!.hover).toContain('inherited from `base.Clock` (ifidx 0)');
    expect(index.symbols['app.Server#echo']!.hover).toContain('`app.Server` ifidx **0**, opidx **0**');
    expect(index.symbols['base.Tick']!.hover).toContain('int t;');
  });

  it('links a use in one file to its declaration in another (go to definition)', () => {
    const use = index.occurrences['/p/app.idl']!.find((o) => o.key === 'base.Tick')!;
    expect(use.span).toMatchObject({ file: '/p/app.idl', startLine: 4 });
    expect(index.symbols['base.Tick']!.span).toMatchObject({ file: '/p/base.idl', startLine: 1 });
    expect(index.occurrences['/p/app.idl']!.some((o) => o.key === 'base.Clock' && o.span.startLine === 3)).toBe(true);
  });
});
