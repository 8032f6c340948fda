import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import type { SourceFile } from '../../shared/idl/source.js';
import { parseConfigYml } from '../../shared/project/config-yml.js';
import { loadProject } from '../../shared/project/project.js';
import { parseServicesXml } from '../../shared/project/services-xml.js';

/**
 * Fixture corpus. Each file states the diagnostics it must produce in its leading comment, one
 * per line: `expect: LINE:COLUMN SEVERITY CODE` (an XML or YAML comment). A directory holds a
 * services.xml and a config.yml loaded together as a project. Files in project-ok produce none.
 */
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const EXPECT = /expect:\s*(\d+):(\d+)\s+(error|warning|info)\s+([a-z-]+)/g;

const read = (dir: string, name: string): SourceFile => ({
  path: name,
  text: readFileSync(join(fixtures, dir, name), 'utf8'),
});

function diagnose(dir: string, name: string): { files: SourceFile[]; diagnostics: Diagnostic[] } {
  if (statSync(join(fixtures, dir, name)).isDirectory()) {
    const servicesXml = read(dir, `${name}/services.xml`);
    const configYml = read(dir, `${name}/config.yml`);
    return { files: [servicesXml, configYml], diagnostics: loadProject({ servicesXml, configYml }).diagnostics };
  }
  const file = read(dir, name);
  return {
    files: [file],
    diagnostics: (name.endsWith('.xml') ? parseServicesXml(file) : parseConfigYml(file)).diagnostics,
  };
}

const key = (file: string, line: string | number, column: string | number, severity: string, code: string) =>
  `${file}:${line}:${column} ${severity} ${code}`;

function expected(files: SourceFile[]): string[] {
  return files.flatMap((f) => [...f.text.matchAll(EXPECT)].map((m) => key(f.path, m[1]!, m[2]!, m[3]!, m[4]!))).sort();
}

function checkRanges(files: SourceFile[], diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    const file = files.find((f) => f.path === d.range.file);
    expect(file, `diagnostic in an unknown file: ${d.range.file}`).toBeDefined();
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
    expect(d.range.end.offset).toBeLessThanOrEqual(file!.text.length);
    // line:column and offset agree.
    const before = file!.text.slice(0, d.range.start.offset).split(/\r\n|\r|\n/);
    expect([before.length, before.at(-1)!.length + 1]).toEqual([d.range.start.line, d.range.start.column]);
  }
}

describe('project-bad: every fixture reports exactly the diagnostics it expects', () => {
  const names = readdirSync(join(fixtures, 'project-bad')).sort();
  test('the corpus is large enough', () => expect(names.length).toBeGreaterThanOrEqual(15));
  test.each(names)('%s', (name) => {
    const { files, diagnostics } = diagnose('project-bad', name);
    const want = expected(files);
    expect(want.length, 'a bad fixture states what it expects').toBeGreaterThan(0);
    expect(
      diagnostics.map((d) => key(d.range.file, d.range.start.line, d.range.start.column, d.severity, d.code)).sort(),
    ).toEqual(want);
    checkRanges(files, diagnostics);
  });
});

describe('project-ok: valid files produce no diagnostics', () => {
  test.each(readdirSync(join(fixtures, 'project-ok')).sort())('%s', (name) => {
    const { files, diagnostics } = diagnose('project-ok', name);
    expect(expected(files)).toEqual([]);
    expect(diagnostics).toEqual([]);
  });
});
