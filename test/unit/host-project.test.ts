// Project discovery (folder, services.xml, tce-project.json), saving, and {{variables}}.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/console-api/api.js';
import { writeText, readText } from '../../electron/host/file-store.js';
import { findProject } from '../../electron/host/project-files.js';
import { ProjectFolder } from '../../electron/host/project-folder.js';
import { ProjectSession } from '../../electron/host/project-session.js';
import { expand } from '../../electron/host/variables.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tce-host-project-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

const noEvents = { changed: () => {}, fileChanged: () => {}, log: () => {} };

describe('project discovery', () => {
  it('takes services.xml, config.yml and every .idl of a folder, IDL files by name', async () => {
    write('services.xml', '<SNS/>');
    write('config.yml', 'common_defs: {}');
    write('b.idl', 'module b { interface B { void f(); }; };');
    write('a.idl', 'module a { interface A { void f(); }; };');
    write('notes.txt', '');
    const layout = await findProject(dir);
    expect(layout).toMatchObject({
      root: dir,
      servicesXml: join(dir, 'services.xml'),
      configYml: join(dir, 'config.yml'),
      idl: [join(dir, 'a.idl'), join(dir, 'b.idl')],
      diagnostics: [],
    });
    expect((await findProject(join(dir, 'services.xml'))).root).toBe(dir);
  });

  it('follows tce-project.json, and reports its missing files as diagnostics', async () => {
    write('idl/main.idl', 'module m { interface I { void f(); }; };');
    write('stray.idl', 'module s {};');
    write('tce-project.json', JSON.stringify({ idl: ['idl/main.idl', 'idl/gone.idl'] }));
    const layout = await findProject(dir);
    expect(layout.idl).toEqual([join(dir, 'idl/main.idl')]);
    expect(layout.diagnostics.map((d) => [d.range.file, d.message])).toEqual([
      [join(dir, 'tce-project.json'), `${join(dir, 'idl/gone.idl')} does not exist`],
    ]);
    write('tce-project.json', JSON.stringify({ idl: 'main.idl' }));
    expect((await findProject(dir)).diagnostics[0]?.message).toMatch(/idl must be a list of paths/);
  });

  it('refuses what is not a project, saying why', async () => {
    await expect(findProject(dir)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/no services\.xml, tce-project\.json or \.idl file/),
    });
    await expect(findProject(join(dir, 'nothing-here'))).rejects.toMatchObject({ code: 'not-found' });
    await expect(findProject(write('x.txt', ''))).rejects.toMatchObject({ code: 'invalid-params' });
  });

  it('compiles the IDL with imports and reports errors at file:line:col', async () => {
    write('base.idl', 'module base { struct S { int x; }; }');
    const main = write('main.idl', 'import base\nmodule m {\n  interface I { void f(base::S s); void g(Nope n); };\n}');
    const session = await ProjectSession.open(dir, noEvents);
    try {
      const snapshot = session.snapshot();
      expect(snapshot.files.idl).toContain(join(dir, 'base.idl'));
      const problem = snapshot.diagnostics.find((d) => d.severity === 'error');
      expect(problem).toMatchObject({
        range: {
          file: main,
          start: { line: 3, column: '  interface I { void f(base::S s); void g(Nope n); };'.indexOf('Nope') + 1 },
        },
      });
      expect(() => session.resolve('../elsewhere.idl')).toThrow(ConsoleError);
    } finally {
      session.close();
    }
  });
});

describe('saving', () => {
  it('writes atomically and refuses to overwrite a newer file', async () => {
    const path = new ProjectFolder(dir).contain(write('a.idl', 'one'));
    const read = await readText(path);
    writeFileSync(path.real, 'two');
    await expect(writeText(path, 'mine', read.version)).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(path.real, 'utf8')).toBe('two');
    const saved = await writeText(path, 'mine', (await readText(path)).version);
    expect(readFileSync(path.real, 'utf8')).toBe('mine');
    expect(saved.version).toBe((await readText(path)).version);
  });
});

describe('{{variables}}', () => {
  it('replaces names from the lookup and refuses unknown ones', async () => {
    const values: Record<string, string> = { host: '127.0.0.1', token: 's3cret' };
    const lookup = async (name: string) => values[name];
    expect(await expand('tcp://{{host}}:12002', lookup)).toBe('tcp://127.0.0.1:12002');
    expect(await expand('{{ token }}-{{token}}', lookup)).toBe('s3cret-s3cret');
    expect(await expand('plain', lookup)).toBe('plain');
    await expect(expand('{{port}}', lookup)).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/\{\{port\}\}/),
    });
  });
});
