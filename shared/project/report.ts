import type { Diagnostic, Severity } from '../idl/diagnostics.js';
import type { SourceRange } from '../idl/source.js';

/** Collects the diagnostics of one pass; codes are listed in shared/project/README.md. */
export class Report {
  readonly diagnostics: Diagnostic[] = [];

  add(severity: Severity, code: string, message: string, range: SourceRange): void {
    this.diagnostics.push({ severity, code, message, range });
  }
  error(code: string, message: string, range: SourceRange): void {
    this.add('error', code, message, range);
  }
  warning(code: string, message: string, range: SourceRange): void {
    this.add('warning', code, message, range);
  }
  info(code: string, message: string, range: SourceRange): void {
    this.add('info', code, message, range);
  }
}

/** `file:line:col`, for messages that point at a second place. */
export const at = (r: SourceRange): string => `${r.file}:${r.start.line}:${r.start.column}`;
