import type { SourceFile, SourcePos, SourceRange } from './source.js';

/** Turns 0-based UTF-16 offsets into 1-based line:column positions of one file. */
export interface Positions {
  pos(offset: number): SourcePos;
  range(start: number, end: number): SourceRange;
}

/** Line breaks are `\n`, `\r\n` and a lone `\r`, as the IDL lexer, XML and YAML all count them. */
export function positionsOf(file: SourceFile): Positions {
  const { text, path } = file;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) lineStarts.push(i + 1);
  }
  const pos = (offset: number): SourcePos => {
    const at = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1, offset: at };
  };
  return { pos, range: (start, end) => ({ file: path, start: pos(start), end: pos(Math.max(start, end)) }) };
}
