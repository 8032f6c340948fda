// The generated code of every sample, compared byte for byte with its golden folder (goldenDir).
// UPDATE_GOLDEN=1 rewrites the golden files instead (review the diff before committing).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll, generateIfxdef } from '../../shared/codegen/index.js';
import { GOLDEN_CASES, caseModel, goldenDir } from './codegen-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const update = process.env.UPDATE_GOLDEN === '1';

describe('generated code matches the golden output', () => {
  for (const sample of Object.keys(GOLDEN_CASES)) {
    it(sample, () => {
      const model = caseModel(sample);
      const expected = new Map([
        ...generateAll(model).map((f) => [f.path, f.text] as const),
        ['ifxdef.xml', generateIfxdef(model)],
      ]);
      const dir = join(ROOT, goldenDir(sample));
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const [path, text] of expected) writeFileSync(join(dir, path), text);
      }
      expect(readdirSync(dir).sort()).toEqual([...expected.keys()].sort());
      for (const [path, text] of expected)
        expect(readFileSync(join(dir, path), 'utf8'), `${sample}/${path}`).toBe(text);
    });
  }
});
