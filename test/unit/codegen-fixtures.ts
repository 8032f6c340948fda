// The sample IDLs compiled by the front end, as the generator tests use them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../shared/idl/compile.js';
import { formatDiagnostic } from '../../shared/idl/diagnostics.js';
import type { IdlModel } from '../../shared/idl/model.js';
import type { SourceFile } from '../../shared/idl/source.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SAMPLES = ['test', 'sns', 'all-types'] as const;
export type Sample = (typeof SAMPLES)[number];

/** Compiles IDL text that must be valid; any diagnostic fails the calling test. */
export function compileValid(files: SourceFile[]): IdlModel {
  const result = compile(files);
  if (result.diagnostics.length > 0) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.model;
}

/** A sample as the CLI sees it (path relative to the repository root). */
export function sampleModel(sample: Sample): IdlModel {
  const path = `idl-samples/${sample}.idl`;
  return compileValid([{ path, text: readFileSync(join(ROOT, path), 'utf8') }]);
}
