import { ErrorCode } from '../rpc/errors.js';
import type { FeedHop } from './types.js';

/**
 * The feed's filter language: text → a tree of conditions, or an error with its place.
 *
 *   query   = or
 *   or      = and { OR and }
 *   and     = unary { [AND] unary }          (terms side by side mean AND)
 *   unary   = NOT unary | "-" unary | primary
 *   primary = "(" or ")" | term
 *   term    = word | "quoted phrase"         free text: header fields, extra and the decoded payload
 *           | field ":" value                method: if: hop: dir: endpoint: user: gw: seq: errcode: kind: call: run: saved:
 *           | extra.KEY "=" value            (or extra.KEY:value)
 *           | numeric op number              size latency seq errcode with > >= < <= = :
 *
 * Keywords and matching are case-insensitive; values may be quoted; `*` in a name matches any
 * characters. Nothing here guesses: a term that cannot mean anything is an error at its place.
 */

export const FEED_HOPS: readonly FeedHop[] = ['console', 'proxy', 'gateway', 'queue', 'server'];
/** What `kind:` accepts: the entry kinds, and `async` / `push` for calls of those sorts. */
export const FEED_QUERY_KINDS = ['call', 'oneway', 'async', 'return', 'error', 'push'] as const;
export type QueryKind = (typeof FEED_QUERY_KINDS)[number];

export type NumericField = 'size' | 'latency' | 'seq' | 'errcode';
export type Comparison = '=' | '>' | '>=' | '<' | '<=';

/** One condition, or a combination of them. Strings are lower-cased; patterns may hold `*`. */
export type FilterNode =
  | { kind: 'and'; items: FilterNode[] }
  | { kind: 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'text'; text: string }
  | { kind: 'method'; interface: string | undefined; method: string }
  | { kind: 'interface'; pattern: string }
  | { kind: 'hop'; hop: FeedHop }
  | { kind: 'dir'; direction: 'in' | 'out' }
  | { kind: 'endpoint'; pattern: string }
  /** `user:2` (any gateway) or `user:gwserver/2`. */
  | { kind: 'user'; gateway: string | undefined; user: string }
  | { kind: 'gateway'; pattern: string }
  | { kind: 'entry-kind'; entryKind: QueryKind }
  | { kind: 'call'; correlation: string }
  | { kind: 'run'; pattern: string }
  | { kind: 'saved'; pattern: string }
  | { kind: 'extra'; key: string; pattern: string }
  | { kind: 'compare'; field: NumericField; op: Comparison; value: number };

/** A place in the query text: `start` inclusive, `end` exclusive, both 0-based. */
export interface QueryError {
  message: string;
  start: number;
  end: number;
}

export type ParsedQuery =
  /** `node` is undefined for an empty query (everything matches). `notes` explain broad terms. */
  { ok: true; node: FilterNode | undefined; notes: string[] } | { ok: false; error: QueryError };

/** Thrown where a query must be valid (host methods); carries the place. */
export class FeedQueryError extends Error {
  override readonly name = 'FeedQueryError';
  constructor(readonly error: QueryError) {
    super(describeQueryError(error));
  }
}

/** `column 7: unknown field "colour" …` (columns count from 1). */
export const describeQueryError = (e: QueryError): string => `column ${e.start + 1}: ${e.message}`;

// ------------------------------------------------------------------------------------ lexer

type Token =
  | { type: '(' | ')' | '-'; start: number; end: number }
  /** A word (maybe with a quoted value after an operator: `method:"a b"`) or a quoted phrase. */
  | { type: 'word'; text: string; quoted: boolean; start: number; end: number };

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const OPERATOR_CHARS = ':=<>';

class Lexer {
  private at = 0;
  constructor(private readonly src: string) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      while (this.at < this.src.length && isSpace(this.src[this.at]!)) this.at++;
      if (this.at >= this.src.length) return out;
      const c = this.src[this.at]!;
      const start = this.at;
      if (c === '(' || c === ')') {
        this.at++;
        out.push({ type: c, start, end: this.at });
      } else if (c === '-') {
        if (!this.startsTerm(this.at + 1))
          throw new FeedQueryError({
            message: '- needs a term right after it (no space): -hop:server; to search for "-", quote it',
            start,
            end: start + 1,
          });
        this.at++;
        out.push({ type: '-', start, end: this.at });
      } else if (c === '"') {
        out.push({ type: 'word', text: this.quoted(), quoted: true, start, end: this.at });
      } else {
        out.push({ type: 'word', text: this.word(), quoted: false, start, end: this.at });
      }
    }
  }

  /** `-` negates only when a term follows right after it (`-hop:server`, `-"a b"`, `-(…)`). */
  private startsTerm(i: number): boolean {
    const c = this.src[i];
    return c !== undefined && !isSpace(c) && c !== ')' && c !== '-';
  }

  /** A quoted phrase; `\"` and `\\` escape. */
  private quoted(): string {
    const start = this.at;
    let text = '';
    this.at++;
    while (this.at < this.src.length) {
      const c = this.src[this.at]!;
      if (c === '"') {
        this.at++;
        return text;
      }
      if (c === '\\' && this.at + 1 < this.src.length) {
        text += this.src[this.at + 1]!;
        this.at += 2;
        continue;
      }
      text += c;
      this.at++;
    }
    throw new FeedQueryError({ message: 'this quote is never closed: add a closing "', start, end: start + 1 });
  }

  /** Up to a space or a parenthesis; a quoted value right after an operator belongs to the word. */
  private word(): string {
    let text = '';
    while (this.at < this.src.length) {
      const c = this.src[this.at]!;
      if (isSpace(c) || c === '(' || c === ')') break;
      if (c === '"') {
        if (text === '' || !OPERATOR_CHARS.includes(text[text.length - 1]!)) {
          throw new FeedQueryError({
            message: 'a quote must start a phrase or a value (after : or =): put a space before it',
            start: this.at,
            end: this.at + 1,
          });
        }
        text += QUOTE_MARK + this.quoted();
        break;
      }
      text += c;
      this.at++;
    }
    return text;
  }
}

/** Marks where a quoted value starts inside a word, so `method:"a*"` keeps its `*` literal. */
const QUOTE_MARK = '\u0000';

// ----------------------------------------------------------------------------------- parser

const FIELDS = [
  'method',
  'if',
  'hop',
  'dir',
  'endpoint',
  'user',
  'gw',
  'seq',
  'errcode',
  'kind',
  'call',
  'run',
  'saved',
  'size',
  'latency',
] as const;
type FieldName = (typeof FIELDS)[number];
const NUMERIC: readonly string[] = ['size', 'latency', 'seq', 'errcode'] satisfies NumericField[];
const isNumeric = (f: FieldName): f is NumericField => NUMERIC.includes(f);
const ALIASES: Record<string, FieldName> = {
  interface: 'if',
  iface: 'if',
  op: 'method',
  direction: 'dir',
  gateway: 'gw',
  sequence: 'seq',
  userid: 'user',
};

class Parser {
  private i = 0;
  readonly notes = new Set<string>();

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode | undefined {
    if (this.tokens.length === 0) return undefined;
    const node = this.or();
    const extra = this.tokens[this.i];
    if (extra)
      throw new FeedQueryError({
        message: extra.type === ')' ? 'this ) closes nothing: remove it or add a ( before' : 'unexpected here',
        start: extra.start,
        end: extra.end,
      });
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private keyword(t: Token | undefined): 'AND' | 'OR' | 'NOT' | undefined {
    if (!t || t.type !== 'word' || t.quoted) return undefined;
    const upper = t.text.toUpperCase();
    return upper === 'AND' || upper === 'OR' || upper === 'NOT' ? upper : undefined;
  }

  private or(): FilterNode {
    const items = [this.and()];
    while (this.keyword(this.peek()) === 'OR') {
      const op = this.tokens[this.i++]!;
      items.push(this.operand(op, 'OR'));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(): FilterNode {
    const items = [this.unary()];
    for (;;) {
      const t = this.peek();
      if (!t || t.type === ')' || this.keyword(t) === 'OR') break;
      if (this.keyword(t) === 'AND') {
        this.i++;
        items.push(this.operand(t, 'AND'));
      } else items.push(this.unary());
    }
    return items.length === 1
      ? items[0]!
      : { kind: 'and', items: items.flatMap((n) => (n.kind === 'and' ? n.items : [n])) };
  }

  /** What follows AND / OR: a missing one is an error at the operator. */
  private operand(op: Token, name: string): FilterNode {
    const next = this.peek();
    if (!next || next.type === ')' || this.keyword(next) === 'OR' || this.keyword(next) === 'AND') {
      throw new FeedQueryError({ message: `${name} needs a term on both sides`, start: op.start, end: op.end });
    }
    return this.unary();
  }

  private unary(): FilterNode {
    const t = this.peek()!;
    if (t.type === '-' || this.keyword(t) === 'NOT') {
      this.i++;
      const next = this.peek();
      if (!next || next.type === ')' || this.keyword(next) === 'OR' || this.keyword(next) === 'AND') {
        throw new FeedQueryError({
          message: `${t.type === '-' ? '-' : 'NOT'} needs a term after it`,
          start: t.start,
          end: t.end,
        });
      }
      return { kind: 'not', item: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    const t = this.tokens[this.i++]!;
    const keyword = this.keyword(t);
    if (keyword)
      throw new FeedQueryError({ message: `${keyword} needs a term on both sides`, start: t.start, end: t.end });
    if (t.type === '(') {
      const next = this.peek();
      if (!next) throw new FeedQueryError({ message: 'this ( is never closed: add a )', start: t.start, end: t.end });
      if (next.type === ')')
        throw new FeedQueryError({ message: 'empty parentheses: put a term inside', start: t.start, end: next.end });
      const inner = this.or();
      const close = this.tokens[this.i++];
      if (!close || close.type !== ')')
        throw new FeedQueryError({ message: 'this ( is never closed: add a )', start: t.start, end: t.end });
      return inner;
    }
    if (t.type === ')')
      throw new FeedQueryError({
        message: 'this ) closes nothing: remove it or add a ( before',
        start: t.start,
        end: t.end,
      });
    if (t.type === '-') throw new FeedQueryError({ message: 'unexpected -', start: t.start, end: t.end });
    return this.term(t as Extract<Token, { type: 'word' }>);
  }

  private term(t: Extract<Token, { type: 'word' }>): FilterNode {
    if (t.quoted) return text(t.text);
    const src = t.text;
    const where = (from: number, to = src.length): QueryError => ({
      message: '',
      start: t.start + from,
      end: t.start + Math.min(to, t.end - t.start),
    });
    const fail = (message: string, from = 0, to = src.length): never => {
      throw new FeedQueryError({ ...where(from, to), message });
    };

    // eslint-disable-next-line no-control-regex -- \u0000 is QUOTE_MARK: a key ends where a quoted part starts
    const extra = /^extra\.([^:=<>\u0000]*)(.?)/i.exec(src);
    if (extra) {
      const key = extra[1]!;
      if (key === '') fail('extra. needs a key: extra.name=value');
      if (extra[2] !== '=' && extra[2] !== ':')
        fail(`extra.${key} needs a value: extra.${key}=value (use extra.${key}=* for "has ${key}")`);
      const value = this.value(src.slice(extra[0].length), t.start + extra[0].length, t.end, `extra.${key}`);
      return { kind: 'extra', key: key.toLowerCase(), pattern: value.pattern };
    }

    const op = /^([A-Za-z_][\w]*)(>=|<=|:|=|>|<)/.exec(src);
    if (!op) {
      if (/^[<>]/.test(src) || src.includes(QUOTE_MARK))
        fail('a comparison needs a field before it: size>1000, latency>50');
      return text(src);
    }
    const name = op[1]!.toLowerCase();
    const field = (FIELDS as readonly string[]).includes(name) ? (name as FieldName) : ALIASES[name];
    const operator = op[2]!;
    if (!field) {
      // name=value is text (it finds extra pairs); name:value or name>value must name a field.
      if (operator === '=') return text(src.replace(QUOTE_MARK, ''));
      fail(
        `unknown field "${op[1]}": fields are ${FIELDS.join(', ')} and extra.KEY; to search for this text, quote it: "${src}"`,
        0,
        op[1]!.length,
      );
    }
    const valueStart = op[0].length;
    const raw = src.slice(valueStart);
    const label = `${field}${operator}`;
    if (operator !== ':' && operator !== '=' && !isNumeric(field!))
      fail(`${field} cannot be compared with ${operator}: only ${NUMERIC.join(', ')} can`, 0, valueStart);
    if (isNumeric(field!))
      return this.numeric(
        field,
        operator === ':' ? '=' : (operator as Comparison),
        raw,
        t.start + valueStart,
        t.end,
        label,
      );
    const value = this.value(raw, t.start + valueStart, t.end, label);
    return this.field(field!, value, label);
  }

  /** The text after an operator: quoted (literal) or plain (`*` is a wildcard). */
  private value(raw: string, start: number, end: number, label: string): { text: string; pattern: string } {
    const quoted = raw.startsWith(QUOTE_MARK);
    const text = quoted ? raw.slice(1) : raw;
    if (text === '' && !quoted)
      throw new FeedQueryError({ message: `${label} needs a value`, start: start - label.length, end });
    const lower = text.toLowerCase();
    return { text: lower, pattern: quoted ? escapeGlob(lower) : lower };
  }

  private numeric(
    field: NumericField,
    op: Comparison,
    raw: string,
    start: number,
    end: number,
    label: string,
  ): FilterNode {
    if (raw.startsWith(QUOTE_MARK)) raw = raw.slice(1);
    if (raw === '') throw new FeedQueryError({ message: `${label} needs a number`, start: start - label.length, end });
    let value: number | undefined;
    if (field === 'errcode' && op === '=' && !/^-?\d/.test(raw)) {
      value = (ErrorCode as Record<string, number>)[raw.toUpperCase().replace(/^RPCERROR_/, '')];
      if (value === undefined)
        throw new FeedQueryError({
          message: `errcode: "${raw}" is not an error code: give a number or a name such as TIMEOUT or RPCERROR_INTERFACE_NOTFOUND`,
          start,
          end,
        });
    } else {
      const unit = field === 'latency' ? /^(-?\d+(?:\.\d+)?)(ms)?$/i : field === 'size' ? /^(\d+)(b)?$/i : /^(-?\d+)$/;
      const m = unit.exec(raw);
      if (!m)
        throw new FeedQueryError({
          message: `${label} needs ${field === 'latency' ? 'milliseconds, e.g. 50 or 0.5' : field === 'size' ? 'a number of bytes' : 'a whole number'}, not "${raw}"`,
          start,
          end,
        });
      value = Number(m[1]);
    }
    return { kind: 'compare', field, op, value };
  }

  private field(
    field: Exclude<FieldName, NumericField>,
    value: { text: string; pattern: string },
    label: string,
  ): FilterNode {
    const v = value.text;
    switch (field) {
      case 'method': {
        const dot = value.pattern.lastIndexOf('.');
        return dot > 0
          ? { kind: 'method', interface: value.pattern.slice(0, dot), method: value.pattern.slice(dot + 1) }
          : { kind: 'method', interface: undefined, method: value.pattern };
      }
      case 'if':
        return { kind: 'interface', pattern: value.pattern };
      case 'hop':
        if (!(FEED_HOPS as readonly string[]).includes(v)) throw this.badValue(label, v, FEED_HOPS);
        return { kind: 'hop', hop: v as FeedHop };
      case 'dir':
        if (v !== 'in' && v !== 'out') throw this.badValue(label, v, ['in', 'out']);
        return { kind: 'dir', direction: v };
      case 'kind':
        if (!(FEED_QUERY_KINDS as readonly string[]).includes(v)) throw this.badValue(label, v, FEED_QUERY_KINDS);
        return { kind: 'entry-kind', entryKind: v as QueryKind };
      case 'endpoint':
        return { kind: 'endpoint', pattern: value.pattern };
      case 'gw':
        return { kind: 'gateway', pattern: value.pattern };
      case 'call':
        return { kind: 'call', correlation: v };
      case 'run':
        return { kind: 'run', pattern: value.pattern };
      case 'saved':
        return { kind: 'saved', pattern: value.pattern };
      case 'user': {
        const slash = v.lastIndexOf('/');
        if (slash < 0) {
          this.notes.add(
            `user:${v} matches user ${v} at every gateway (each gateway counts its own users): write user:GATEWAY/${v} for one`,
          );
          return { kind: 'user', gateway: undefined, user: v };
        }
        if (slash === 0 || slash === v.length - 1)
          throw this.lastError(`${label} is user:ID or user:GATEWAY/ID, not "${v}"`);
        return { kind: 'user', gateway: v.slice(0, slash), user: v.slice(slash + 1) };
      }
    }
  }

  private lastToken(): Token {
    return this.tokens[this.i - 1]!;
  }

  private badValue(label: string, value: string, allowed: readonly string[]): FeedQueryError {
    return this.lastError(
      `${label} is ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not "${value}"`,
    );
  }

  private lastError(message: string): FeedQueryError {
    const t = this.lastToken();
    return new FeedQueryError({ message, start: t.start, end: t.end });
  }
}

const text = (s: string): FilterNode => ({ kind: 'text', text: s.toLowerCase() });
const escapeGlob = (s: string): string => s.replace(/[*\\]/g, (c) => `\\${c}`);

/** Parses a filter query; never throws. */
export function parseFeedQuery(query: string): ParsedQuery {
  try {
    const parser = new Parser(new Lexer(query).tokens());
    const node = parser.parse();
    return { ok: true, node, notes: [...parser.notes] };
  } catch (error) {
    if (error instanceof FeedQueryError) return { ok: false, error: error.error };
    throw error;
  }
}

/**
 * A pattern (lower case; `*` any characters, `\*` a literal star) as a matcher of lower-cased
 * strings: exact unless it has a wildcard.
 */
export function globMatcher(pattern: string): (value: string) => boolean {
  if (!/[*\\]/.test(pattern)) return (v) => v === pattern;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else source += c === '*' ? '.*' : escapeRegExp(c);
  }
  const re = new RegExp(`^${source}$`, 's');
  return (v) => re.test(v);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
