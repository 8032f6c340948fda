/** A position in a source file. line and column are 1-based; offset is 0-based UTF-16 units. */
export interface SourcePos {
  line: number;
  column: number;
  offset: number;
}

/** Where a node or a problem is: every AST node and every diagnostic carries one. */
export interface SourceRange {
  file: string;
  start: SourcePos;
  end: SourcePos;
}

/** A source file handed to the compiler: shared/ never reads files itself. */
export interface SourceFile {
  path: string;
  text: string;
}
