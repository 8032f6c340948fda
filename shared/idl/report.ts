import type { Diagnostic, RelatedInformation, Severity } from './diagnostics.js';
import { positionsOf, type Positions } from './positions.js';
import type { SourceFile, SourceRange, SourceSpan } from './source.js';

/** Where a diagnostic points: a span of a compiled file, or a range from elsewhere (services.xml, an index list). */
export type Place = SourceSpan | SourceRange;

/** A `RelatedInformation` still to be given its positions. */
export interface RelatedPlace {
  message: string;
  range: Place;
}

const isSpan = (place: Place): place is SourceSpan => typeof place.start === 'number';

/**
 * Collects diagnostics for one compilation. AST and model spans get their line and column
 * here, when a diagnostic is made, so diagnostics are plain data with full positions.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly files = new Map<string, SourceFile>();
  /** Line tables, made for a file when one of its spans is first reported. */
  private readonly positions = new Map<string, Positions>();

  /** Makes the spans of `file` reportable; call before reporting any of them. */
  addFile(file: SourceFile): void {
    this.files.set(file.path, file);
  }

  /** `place` with line and column (a span of a file never added points at its line 1, column 1). */
  range(place: Place): SourceRange {
    if (!isSpan(place)) return place;
    const { file, start, end } = place;
    let positions = this.positions.get(file);
    if (!positions) {
      positions = positionsOf(this.files.get(file) ?? { path: file, text: '' });
      this.positions.set(file, positions);
    }
    return positions.range(start, end);
  }

  /** `file:line:col`, for messages that point somewhere else. */
  where(place: Place): string {
    const r = this.range(place);
    return `${r.file}:${r.start.line}:${r.start.column}`;
  }

  report(severity: Severity, code: string, message: string, at: Place, related?: RelatedPlace[]): void {
    const d: Diagnostic = { severity, code, message, range: this.range(at) };
    if (related && related.length > 0) {
      d.related = related.map((r): RelatedInformation => ({ message: r.message, range: this.range(r.range) }));
    }
    this.diagnostics.push(d);
  }

  error(code: string, message: string, at: Place, related?: RelatedPlace[]): void {
    this.report('error', code, message, at, related);
  }

  warning(code: string, message: string, at: Place, related?: RelatedPlace[]): void {
    this.report('warning', code, message, at, related);
  }

  info(code: string, message: string, at: Place, related?: RelatedPlace[]): void {
    this.report('info', code, message, at, related);
  }
}
