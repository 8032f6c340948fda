// The built tce2ts CLI (dist/, from `npm run build`) as a user runs it: output that type-checks
// under the repository's strict settings, diagnostics and exit codes for bad input.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_CASES, goldenDir } from '../unit/codegen-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'electron', 'cli', 'tce2ts.js');
// Inside the package: generated code imports `tce-console/runtime` by self-reference.
const TMP = join(ROOT, 'out', `tmp-codegen-cli-${process.pid}-${Date.now().toString(36)}`);

const tce2ts = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** `tsc --strict --noEmit` over TMP/gen, with the repository's compiler settings. */
function typeCheck(): { code: number | null; output: string } {
  const config = join(TMP, 'gen', 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: { noEmit: true, types: ['node'] },
      include: ['**/*.ts'],
    }),
  );
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['--strict', '--noEmit', '-p', config], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: r.status, output: r.stdout + r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  mkdirSync(TMP, { recursive: true });
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('tce2ts on the golden cases', () => {
  for (const [name, files] of Object.entries(GOLDEN_CASES)) {
    it(`${name}: writes the golden output`, () => {
      // Samples from idl-samples/ where they are; inline cases written out (imports are found beside them).
      for (const f of files.filter((f) => !existsSync(join(ROOT, f.path)))) {
        mkdirSync(join(TMP, 'src', dirname(f.path)), { recursive: true });
        writeFileSync(join(TMP, 'src', f.path), f.text);
      }
      const input = existsSync(join(ROOT, files[0]!.path)) ? files[0]!.path : join(TMP, 'src', files[0]!.path);
      const out = join(TMP, 'gen', name);
      const r = tce2ts('-i', input, '-o', out);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^tce2ts: \d+ module\(s\), \d+ interface\(s\) → .*ifxdef\.xml\n$/);
      const golden = join(ROOT, goldenDir(name));
      expect(readdirSync(out).sort()).toEqual(readdirSync(golden).sort());
      for (const f of readdirSync(golden))
        expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(golden, f), 'utf8'));
    });
  }

  it('compiles several files in one run, comma separated', () => {
    const out = join(TMP, 'gen', 'together');
    const r = tce2ts('-i', 'idl-samples/test.idl,idl-samples/sns.idl,idl-samples/all-types.idl', '-o', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['alltypes.ts', 'ifxdef.xml', 'sns.ts', 'test.ts']);
    expect(readFileSync(join(out, 'ifxdef.xml'), 'utf8').split('\n')).toContain(
      '<if id="20" name="alltypes.MoreTypes"/>',
    );
  });

  // Runs after the tests above have written their output (tests in a file run in order).
  it('all that output type-checks with tsc --strict and the repository settings', () => {
    expect(readdirSync(join(TMP, 'gen')).sort()).toEqual([...Object.keys(GOLDEN_CASES), 'together'].sort());
    const check = typeCheck();
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  }, 60_000);
});

describe('tce2ts numbering modes', () => {
  it('js-compat ignores interface [index] annotations', () => {
    const out = join(TMP, 'js-compat');
    expect(tce2ts('-i', 'idl-samples/all-types.idl', '-o', out, '--numbering', 'js-compat').code).toBe(0);
    expect(readFileSync(join(out, 'ifxdef.xml'), 'utf8')).toBe(
      '<if id="0" name="alltypes.AllTypes"/>\n<if id="1" name="alltypes.MoreTypes"/>\n',
    );
  });

  it('-if N starts one legacy counter across modules', () => {
    const out = join(TMP, 'legacy');
    expect(tce2ts('-i', 'idl-samples/test.idl,idl-samples/sns.idl', '-o', out, '-if', '100').code).toBe(0);
    const ids = [...readFileSync(join(out, 'ifxdef.xml'), 'utf8').matchAll(/id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108]);
  });
});

describe('tce2ts --ifx services.xml', () => {
  const mismatched = (): string => {
    const path = join(TMP, 'services-mismatch.xml');
    const xml = readFileSync(join(ROOT, 'idl-samples', 'cluster', 'services.xml'), 'utf8').replace(
      '<if id="2" name="test.Server"/>',
      '<if id="7" name="test.Server"/>',
    );
    writeFileSync(path, xml);
    return path;
  };

  it('check: numbering that agrees with <InterfaceDef> compiles', () => {
    const r = tce2ts(
      '-i',
      'idl-samples/cluster/test.idl',
      '-o',
      join(TMP, 'ifx-ok'),
      '--ifx',
      'idl-samples/cluster/services.xml',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('check: a differing id is an error at the IDL and at services.xml, nothing written', () => {
    const xml = mismatched();
    const out = join(TMP, 'ifx-check');
    const r = tce2ts('-i', 'idl-samples/cluster/test.idl', '-o', out, '--ifx', xml);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^idl-samples\/cluster\/test\.idl:\d+:\d+: error: 'test\.Server' has ifidx 2 in the IDL .* id 7/m,
    );
    expect(r.stderr).toMatch(/services-mismatch\.xml:\d+:\d+: error: <InterfaceDef> gives 'test\.Server' id 7/m);
    expect(existsSync(out)).toBe(false);
  });

  it('override: <InterfaceDef> ids win, in the generated code and ifxdef.xml', () => {
    const out = join(TMP, 'ifx-override');
    const r = tce2ts('-i', 'idl-samples/cluster/test.idl', '-o', out, '--ifx', mismatched(), '--ifx-mode', 'override');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'ifxdef.xml'), 'utf8')).toContain('<if id="7" name="test.Server"/>');
    expect(readFileSync(join(out, 'test.ts'), 'utf8')).toContain(
      'return this.invoke(7, 0, 1, (w) => w.string(text), (r) => r.string(), options);',
    );
  });
});

describe('tce2ts on bad input', () => {
  it('an invalid IDL: every diagnostic as path:line:col: error:, exit 1, nothing written', () => {
    const dir = join(TMP, 'bad');
    mkdirSync(dir, { recursive: true });
    const idl = join(dir, 'bad.idl');
    writeFileSync(
      idl,
      'module bad{\n\tstruct S{\n\t\tNoSuchType x;\n\t};\n\tinterface I{\n\t\tvoid f(Missing m);\n\t};\n}\n',
    );
    const out = join(dir, 'out');
    const r = tce2ts('-i', idl, '-o', out);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/bad\.idl:\d+:\d+: error: /);
    expect(r.stderr).toMatch(/bad\.idl:3:\d+: error: .*NoSuchType/);
    expect(r.stderr).toMatch(/bad\.idl:6:\d+: error: .*Missing/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('a missing input file: exit 1 with the reason', () => {
    const r = tce2ts('-i', 'idl-samples/nope.idl', '-o', join(TMP, 'nope'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read idl-samples\/nope\.idl: no such file/);
    expect(existsSync(join(TMP, 'nope'))).toBe(false);
  });

  for (const [label, args, message] of [
    ['no input', ['-o', 'x'], /no input files/],
    ['no output', ['-i', 'idl-samples/test.idl'], /no output directory/],
    ['an unknown option', ['-i', 'a.idl', '-o', 'x', '--frobnicate'], /unknown option --frobnicate/],
    ['a bad numbering', ['-i', 'a.idl', '-o', 'x', '--numbering', 'random'], /--numbering must be one of/],
    [
      '-if with annotations numbering',
      ['-i', 'a.idl', '-o', 'x', '-if', '3', '--numbering', 'annotations'],
      /-if applies to --numbering legacy only/,
    ],
    ['a missing value', ['-i', 'a.idl', '-o'], /-o needs a value/],
    ['--ifx-mode without --ifx', ['-i', 'a.idl', '-o', 'x', '--ifx-mode', 'override'], /--ifx-mode needs --ifx/],
  ] as const) {
    it(`bad arguments (${label}): usage on stderr, exit 2`, () => {
      const r = tce2ts(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('usage: tce2ts');
    });
  }

  it('--help prints the usage and exits 0', () => {
    const r = tce2ts('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: tce2ts -i');
  });
});
