import type { Diagnostic, RelatedInformation, Severity } from './diagnostics.js';
import type { SourcePos, SourceRange } from './source.js';

/** Collects diagnostics for one compilation. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  report(severity: Severity, code: string, message: string, range: SourceRange, related?: RelatedInformation[]): void {
    const d: Diagnostic = { severity, code, message, range };
    if (related && related.length > 0) d.related = related;
    this.diagnostics.push(d);
  }

  error(code: string, message: string, range: SourceRange, related?: RelatedInformation[]): void {
    this.report('error', code, message, range, related);
  }

  warning(code: string, message: string, range: SourceRange, related?: RelatedInformation[]): void {
    this.report('warning', code, message, range, related);
  }

  info(code: string, message: string, range: SourceRange, related?: RelatedInformation[]): void {
    this.report('info', code, message, range, related);
  }
}

export const spanRange = (file: string, start: SourcePos, end: SourcePos): SourceRange => ({ file, start, end });

/** A zero-width range: where something is missing. */
export const pointRange = (file: string, pos: SourcePos): SourceRange => ({ file, start: pos, end: pos });

/** `file:line:col`, for messages that point somewhere else. */
export const where = (r: SourceRange): string => `${r.file}:${r.start.line}:${r.start.column}`;
