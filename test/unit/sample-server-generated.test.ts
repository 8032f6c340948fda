// The sample server is written on checked-in generated code: it must be exactly what tce2ts
// generates now from idl-samples/test.idl, so it never drifts from the generator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compileInputs } from '../../electron/cli/idl-input.js';
import { generateAll } from '../../shared/codegen/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

it('electron/sample-server/generated/test.ts is what tce2ts generates from idl-samples/test.idl', () => {
  // What `tce2ts -i idl-samples/test.idl -o electron/sample-server/generated` runs.
  const { result, diagnostics } = compileInputs({ files: [join(ROOT, 'idl-samples', 'test.idl')], numbering: 'annotations', ifxMode: 'check' });
  expect(diagnostics).toEqual([]);
  const generated = generateAll(result.model).find((f) => f.path === 'test.ts');
  expect(generated?.text).toBe(readFileSync(join(ROOT, 'electron', 'sample-server', 'generated', 'test.ts'), 'utf8'));
});
