import type { Reporter } from './report.js';
import type { SourceFile } from './source.js';

/**
 * The IDL lexer: one pass over char codes. Keywords are whole words (the original matched them
 * as prefixes, so `sequenceNo` broke; spec §9.2 item 13) and are returned as `ident` tokens: the
 * parser decides what a keyword means where. `//` and `/* *\/` comments are skipped, but a
 * comment on the line(s) directly above a token that starts its line becomes that token's `doc`.
 */

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';

/** One token: plain data; AST spans are made of its offsets. */
export class Token {
  constructor(
    readonly kind: TokenKind,
    /** The source text; a string token keeps its quotes, so no string token equals a keyword or punctuation. */
    readonly text: string,
    /** A string literal's content, quotes stripped and escapes decoded. */
    readonly value: string | undefined,
    readonly offset: number,
  ) {}

  /** `text` is exactly the source from `offset` on, so its end needs no field of its own. */
  get endOffset(): number {
    return this.offset + this.text.length;
  }
}

/** What the parser reads: tokens, and what they do not carry themselves. */
export interface TokenStream {
  /** The next token on each call (then the same `eof` token forever). */
  next(): Token;
  /** The comment directly above `tok`, when `tok` starts its line. */
  doc(tok: Token): string | undefined;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'module',
  'import',
  'interface',
  'extends',
  'struct',
  'sequence',
  'dictionary',
]);
/** Spec §4.4: not allowed as names. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([...KEYWORDS, 'exception', 'void']);

const enum C {
  Tab = 9,
  LF = 10,
  VT = 11,
  FF = 12,
  CR = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Star = 42,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Backslash = 92,
  Underscore = 95,
  NBSP = 0xa0,
  BOM = 0xfeff,
}

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === C.Underscore;
const isDigit = (c: number): boolean => c >= C.Zero && c <= C.Nine;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isSuffix = (c: number): boolean => c === 117 || c === 85 || c === 108 || c === 76; // u U l L
const isBlank = (c: number): boolean =>
  c === C.Space || c === C.Tab || c === C.VT || c === C.FF || c === C.NBSP || c === C.BOM;

/** Single-character punctuation: `{ } ; ( ) < > , [ ] =` (`:` and `::` are handled apart). */
const PUNCT = new Uint8Array(128);
for (const ch of '{};()<>,[]=') PUNCT[ch.charCodeAt(0)] = 1;

/** Characters that may start a token or be skipped: everything else is illegal. */
const isLegalStart = (c: number): boolean =>
  isIdentPart(c) ||
  isBlank(c) ||
  c === C.LF ||
  c === C.CR ||
  c === C.Quote ||
  c === C.Slash ||
  c === C.Colon ||
  c === C.Hash ||
  (c < 128 && PUNCT[c] === 1);

const LETTER = /^\p{L}$/u;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'", '0': '\0' };

/**
 * Streams the tokens of `file`. Streaming keeps tokens short-lived, which matters for a
 * 10,000-line file: only the spans made of their offsets survive, in the AST.
 */
export function tokenizer(file: SourceFile, reporter: Reporter): TokenStream {
  const text = file.text;
  const path = file.path;
  const n = text.length;
  let produced: Token | undefined;
  let eof: Token | undefined;
  let i = 0;
  /** 1-based, for docs: a comment belongs to the token on the line below it. */
  let line = 1;
  /** Docs by the offset of the token they belong to: few files have many. */
  const docs = new Map<number, string>();
  /** Something other than blanks came earlier on this line (so a comment here is a trailing one). */
  let lineUsed = false;
  let pendingDoc: { text: string; endLine: number } | undefined;

  const newline = (): void => {
    line++;
    lineUsed = false;
  };

  const push = (kind: TokenKind, from: number, to: number, value?: string, spelled?: string): void => {
    if (pendingDoc && !lineUsed && pendingDoc.endLine === line - 1) docs.set(from, pendingDoc.text);
    produced = new Token(kind, spelled ?? text.slice(from, to), value, from);
    pendingDoc = undefined;
    lineUsed = true;
  };

  /**
   * One string per identifier spelled in this file, by a hash of its characters: a 10,000-line
   * IDL spells `int` or `Item5_t` thousands of times, and a slice per occurrence was garbage per
   * token and then kept by every AST node naming it. A repeat is found without allocating; a
   * word whose hash another word took first just gets its own slice.
   */
  const words = new Map<number, string>();
  const word = (from: number, to: number, hash: number): string => {
    const known = words.get(hash);
    if (known !== undefined && known.length === to - from && text.startsWith(known, from)) return known;
    const spelled = text.slice(from, to);
    if (known === undefined) words.set(hash, spelled);
    return spelled;
  };

  const comment = (body: string, startLine: number, ownLine: boolean): void => {
    if (!ownLine) {
      pendingDoc = undefined;
      return;
    }
    const cleaned = body.trim();
    pendingDoc =
      pendingDoc && pendingDoc.endLine === startLine - 1
        ? { text: cleaned ? `${pendingDoc.text}\n${cleaned}` : pendingDoc.text, endLine: line }
        : { text: cleaned, endLine: line };
    if (!pendingDoc.text) pendingDoc = undefined;
    lineUsed = true;
  };

  function next(): Token {
    produced = undefined;
    while (produced === undefined && i < n) {
      const c = text.charCodeAt(i);
      if (c === C.LF) {
        i++;
        newline();
        continue;
      }
      if (c === C.CR) {
        i++;
        if (text.charCodeAt(i) !== C.LF) newline();
        continue;
      }
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (isIdentStart(c) || (c >= 128 && foreignLetterLength(i, true) > 0)) {
        // ASCII is the fast path; a non-ASCII letter makes the word one token with one diagnostic.
        let j = i;
        let hash = 0;
        let foreign = false;
        for (;;) {
          const cj = text.charCodeAt(j); // NaN past the end: not an ident part
          if (isIdentPart(cj)) {
            hash = (Math.imul(hash, 31) + cj) | 0;
            j++;
          } else {
            const len = j < n && text.charCodeAt(j) >= 128 ? foreignLetterLength(j, false) : 0;
            if (len === 0) break;
            foreign = true;
            j += len;
          }
        }
        if (foreign) {
          reporter.error(
            'illegal-character',
            `identifiers may only use ASCII letters, digits and '_': '${text.slice(i, j)}'`,
            { file: path, start: i, end: j },
          );
        }
        push('ident', i, j, undefined, foreign ? undefined : word(i, j, hash));
        i = j;
        continue;
      }
      if (c < 128 && PUNCT[c] === 1) {
        push('punct', i, i + 1);
        i++;
        continue;
      }
      if (isDigit(c)) {
        let j = i + 1;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        for (let k = 0; k < 2 && j < n && isSuffix(text.charCodeAt(j)); k++) j++;
        push('number', i, j);
        i = j;
        continue;
      }
      if (c === C.Colon) {
        const len = text.charCodeAt(i + 1) === C.Colon ? 2 : 1;
        push('punct', i, i + len);
        i += len;
        continue;
      }
      if (c === C.Quote) {
        i = lexString(i);
        continue;
      }
      if (c === C.Slash && text.charCodeAt(i + 1) === C.Slash) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== C.LF && text.charCodeAt(j) !== C.CR) j++;
        comment(text.slice(i + 2, j).replace(/^\/+/, ''), line, !lineUsed);
        i = j;
        continue;
      }
      if (c === C.Slash && text.charCodeAt(i + 1) === C.Star) {
        i = lexBlockComment(i);
        continue;
      }
      if (c === C.Hash) {
        // Documented as a comment but never supported (spec §4.1): say so, then skip the line so one
        // mistake gives one diagnostic.
        reporter.error('illegal-character', "'#' is not a comment in TCE IDL: use '//'", {
          file: path,
          start: i,
          end: i + 1,
        });
        let j = i + 1;
        while (j < n && text.charCodeAt(j) !== C.LF && text.charCodeAt(j) !== C.CR) j++;
        lineUsed = true;
        pendingDoc = undefined;
        i = j;
        continue;
      }
      // A run of illegal characters (a lone '/', non-ASCII letters, '.', '-', …) is one diagnostic.
      let j = i + 1;
      while (j < n && !isLegalStart(text.charCodeAt(j))) j++;
      const run = text.slice(i, j);
      const shown = run.length > 20 ? `${run.slice(0, 20)}…` : run;
      reporter.error('illegal-character', `illegal character${[...run].length > 1 ? 's' : ''} '${shown}'`, {
        file: path,
        start: i,
        end: j,
      });
      lineUsed = true;
      pendingDoc = undefined;
      i = j;
    }
    return produced ?? (eof ??= new Token('eof', '', undefined, n));
  }

  const doc = (tok: Token): string | undefined => (docs.size === 0 ? undefined : docs.get(tok.offset));

  return { next, doc };

  /** Length in UTF-16 units of the non-ASCII letter (or, inside a word, digit or mark) at `at`, else 0. */
  function foreignLetterLength(at: number, first: boolean): number {
    const cp = text.codePointAt(at)!;
    const ch = String.fromCodePoint(cp);
    return (first ? LETTER : WORD_CHAR).test(ch) ? ch.length : 0;
  }

  function lexString(from: number): number {
    let j = from + 1;
    let value = '';
    let seg = j;
    let closed = false;
    while (j < n) {
      const ch = text.charCodeAt(j);
      if (ch === C.Quote) {
        closed = true;
        break;
      }
      if (ch === C.LF || ch === C.CR) break;
      if (ch === C.Backslash && j + 1 < n && text.charCodeAt(j + 1) !== C.LF && text.charCodeAt(j + 1) !== C.CR) {
        const esc = text[j + 1]!;
        value += text.slice(seg, j) + (ESCAPES[esc] ?? `\\${esc}`);
        j += 2;
        seg = j;
        continue;
      }
      j++;
    }
    value += text.slice(seg, j);
    if (closed) {
      push('string', from, j + 1, value);
      return j + 1;
    }
    reporter.error('unterminated-string', "unterminated string: a string needs a closing '\"' on the same line", {
      file: path,
      start: from,
      end: j,
    });
    push('string', from, j, value);
    return j;
  }

  function lexBlockComment(from: number): number {
    const startLine = line;
    const ownLine = !lineUsed;
    let j = from + 2;
    while (j < n) {
      const ch = text.charCodeAt(j);
      if (ch === C.Star && text.charCodeAt(j + 1) === C.Slash) {
        const body = text
          .slice(from + 2, j)
          .split(/\r\n|\r|\n/)
          .map((l) => l.replace(/^\s*\*+ ?/, ''))
          .join('\n');
        comment(body, startLine, ownLine);
        return j + 2;
      }
      if (ch === C.LF || (ch === C.CR && text.charCodeAt(j + 1) !== C.LF)) newline();
      j++;
    }
    reporter.error('unterminated-comment', "unterminated comment: '/*' has no closing '*/'", {
      file: path,
      start: from,
      end: from + 2,
    });
    return n;
  }
}
