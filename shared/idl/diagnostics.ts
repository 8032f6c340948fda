import type { SourceRange } from './source.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in an IDL, services.xml or config.yml file. */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `syntax`, `unknown-type`, `duplicate-name`. */
  code: string;
  message: string;
  range: SourceRange;
  /** Other places that explain this one (the first declaration of a duplicate, a services.xml entry, …). */
  related?: RelatedInformation[];
}

export interface RelatedInformation {
  message: string;
  range: SourceRange;
}

/** The CLI form: `path:line:col: error: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.range.file}:${d.range.start.line}:${d.range.start.column}: ${d.severity}: ${d.message}`;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');
