/** A position in a source file. line and column are 1-based; offset is 0-based UTF-16 units. */
export interface SourcePos {
  line: number;
  column: number;
  offset: number;
}

/**
 * Where a problem is, with line and column: what every diagnostic carries across JSON and
 * structured clone (editor markers, the CLI's `file:line:col`, services.xml and config.yml checks).
 */
export interface SourceRange {
  file: string;
  start: SourcePos;
  end: SourcePos;
}

/**
 * Where an AST node or model declaration is: offsets only (0-based UTF-16 units, `end`
 * exclusive). A 10,000-line IDL has tens of thousands of them, and positions for each would
 * double what a compile keeps; `positionsOf` (positions.ts) gives line and column where a
 * reader needs them.
 */
export interface SourceSpan {
  file: string;
  start: number;
  end: number;
}

/** A source file handed to the compiler: shared/ never reads files itself. */
export interface SourceFile {
  path: string;
  text: string;
}
