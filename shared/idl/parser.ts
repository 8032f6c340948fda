import type {
  AnnotationAttrNode,
  AnnotationNode,
  DictionaryNode,
  ElementNode,
  IdlFileAst,
  ImportNode,
  InterfaceNode,
  MemberNode,
  ModuleNode,
  OperationNode,
  ParamNode,
  SequenceNode,
  StructNode,
  TopLevelNode,
  TypeRefNode,
} from './ast.js';
import { RESERVED_WORDS, type Token, type TokenStream, tokenizer } from './lexer.js';
import type { Reporter } from './report.js';
import type { SourceFile, SourceSpan } from './source.js';

/**
 * Recursive-descent parser for the grammar of spec §4.2. It never throws and never loops:
 * every loop either consumes a token or leaves, and after an error it resynchronizes at the
 * next `;` or `}` of the current nesting level (or at a keyword that can only start a new
 * declaration), so every problem in a file is reported in one run.
 */
export function parseFile(file: SourceFile, reporter: Reporter): IdlFileAst {
  reporter.addFile(file);
  return new Parser(file, tokenizer(file, reporter), reporter).parseFile();
}

/** Keywords that can only start a top-level or element declaration: seeing one inside a body means a `}` is missing. */
const BLOCK_KEYWORDS: ReadonlySet<string> = new Set(['module', 'import', 'interface', 'struct']);

type Name = { name: string; nameRange: SourceSpan };

/** Declarations with a `{ … }` body, and what their body holds. */
type Block = 'struct' | 'interface';
const BLOCK_ITEM: Record<Block, string> = { struct: 'member', interface: 'operation' };
const withArticle = (block: Block): string => (block === 'struct' ? 'a struct' : 'an interface');

/** What parseType returns: a type, `null` for a malformed type that was consumed (keep parsing the declaration but drop it), or `undefined` when nothing could be read. */
type TypeResult = TypeRefNode | null | undefined;

/**
 * A parsed element: `node` is absent when the element was read to its end but is malformed (an
 * inline container type); `complete` is false when its closing `}` is missing (no `;` check then).
 * `undefined` means the parser already skipped past a syntax error.
 */
type ElementResult<N extends ElementNode = ElementNode> = { node: N | undefined; complete: boolean } | undefined;

class Parser {
  /** Tokens consumed so far: loops compare it to make sure they progress. */
  private i = 0;
  /** Two tokens of lookahead are all the grammar needs. */
  private cur: Token;
  private following: Token | undefined;
  private prevTok: Token | undefined;

  constructor(
    private readonly file: SourceFile,
    private readonly tokens: TokenStream,
    private readonly reporter: Reporter,
  ) {
    this.cur = tokens.next();
  }

  // ---- token helpers ----

  private peek(ahead: 0 | 1 = 0): Token {
    if (ahead === 0) return this.cur;
    return (this.following ??= this.tokens.next());
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') {
      this.cur = this.following ?? this.tokens.next();
      this.following = undefined;
      this.i++;
      this.prevTok = tok;
    }
    return tok;
  }

  /** End of the last consumed token: where a missing `;` or `}` belongs. */
  private get prevEnd(): number {
    return this.prevTok ? this.prevTok.endOffset : 0;
  }

  /** Keyword or punctuation test: string tokens keep their quotes, so text equality is enough. */
  private at(text: string, ahead: 0 | 1 = 0): boolean {
    return this.peek(ahead).text === text;
  }

  private range(start: number, end: number = this.prevEnd): SourceSpan {
    return { file: this.file.path, start, end };
  }

  private tokRange(tok: Token): SourceSpan {
    return { file: this.file.path, start: tok.offset, end: tok.endOffset };
  }

  /** Just after the last consumed token: where something missing is reported. */
  private afterPrev(): SourceSpan {
    return this.range(this.prevEnd, this.prevEnd);
  }

  private describe(tok: Token): string {
    if (tok.kind === 'eof') return 'end of file';
    if (tok.kind === 'string') return `string ${tok.text}`;
    if (tok.kind === 'number') return `number '${tok.text}'`;
    return `'${tok.text}'`;
  }

  private unexpected(expected: string, tok = this.peek()): void {
    this.reporter.error('unexpected-token', `expected ${expected}, found ${this.describe(tok)}`, this.tokRange(tok));
  }

  private missingSemicolon(after: string): void {
    this.reporter.error('missing-semicolon', `missing ';' after ${after}`, this.afterPrev());
  }

  private missingBrace(what: string, open: Token | undefined): void {
    const at = open && this.reporter.range(this.tokRange(open)).start;
    const opened = at ? ` (opened at ${at.line}:${at.column})` : '';
    const before = this.peek().kind === 'eof' ? 'before the end of the file' : `before ${this.describe(this.peek())}`;
    this.reporter.error('missing-brace', `missing '}' to close ${what}${opened} ${before}`, this.afterPrev());
  }

  private isBlockKeyword(tok: Token): boolean {
    return tok.kind === 'ident' && BLOCK_KEYWORDS.has(tok.text);
  }

  /**
   * Skips a broken declaration: up to and including the next `;` at this level, or up to (not
   * including) a `}` closing the enclosing body, a block keyword, or — at module level — the
   * start of the next element. Brackets inside are skipped whole.
   */
  private recover(level: 'element' | 'body'): void {
    const startIndex = this.i;
    let braces = 0;
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof' || this.isBlockKeyword(tok)) return;
      const t = tok.kind === 'punct' ? tok.text : '';
      if (braces === 0 && t === ';') {
        this.next();
        return;
      }
      if (braces === 0 && t === '}') return;
      if (
        level === 'element' &&
        braces === 0 &&
        this.i > startIndex &&
        (tok.text === 'sequence' || tok.text === 'dictionary')
      )
        return;
      this.next();
      if (t === '{') braces++;
      else if (t === '}' && --braces === 0 && level === 'element') {
        // A skipped `{ … }` block: take its `;` too.
        if (this.at(';')) this.next();
        return;
      }
    }
  }

  private expectName(what: string): Name | undefined {
    const tok = this.peek();
    // `struct interface B {`: the name is missing, 'interface' starts the next thing.
    if (tok.kind !== 'ident' || (this.isBlockKeyword(tok) && this.peek(1).kind === 'ident')) {
      this.unexpected(`${what} name`);
      return undefined;
    }
    this.next();
    const nameRange = this.tokRange(tok);
    if (RESERVED_WORDS.has(tok.text)) {
      this.reporter.error(
        'reserved-word',
        `'${tok.text}' is a reserved word and cannot be used as ${what} name`,
        nameRange,
      );
    }
    return { name: tok.text, nameRange };
  }

  /** Sets `doc` from the first of these tokens that carries one. */
  private withDoc<T extends { doc?: string }>(node: T, first: Token, second?: Token): T {
    const doc = this.tokens.doc(first) ?? (second && this.tokens.doc(second));
    if (doc) node.doc = doc;
    return node;
  }

  // ---- file ----

  parseFile(): IdlFileAst {
    const items: TopLevelNode[] = [];
    let afterModule = false;
    while (this.peek().kind !== 'eof') {
      const start = this.i;
      const tok = this.peek();
      const wasAfterModule = afterModule;
      afterModule = false;
      if (tok.text === 'module') {
        const m = this.parseModule();
        if (m) items.push(m);
        afterModule = true;
      } else if (tok.text === 'import') {
        const imp = this.parseImport();
        if (imp) items.push(imp);
      } else if (tok.text === ';') {
        this.next();
        this.reporter.error(
          'stray-semicolon',
          wasAfterModule ? "a module's '}' takes no ';'" : "stray ';' outside a module",
          this.tokRange(tok),
        );
      } else if (this.startsElement(tok)) {
        this.reporter.error(
          'element-outside-module',
          `${this.elementWord(tok)} must be declared inside a module`,
          this.tokRange(tok),
        );
        const el = this.parseElement();
        if (el && this.at(';')) this.next();
      } else {
        this.unexpected("'module' or 'import'");
        this.next();
        this.skipTopLevel();
      }
      if (this.i === start) this.next(); // cannot happen; guarantees progress
    }
    const eof = this.peek();
    return { kind: 'file', path: this.file.path, items, range: this.range(0, eof.endOffset) };
  }

  private skipTopLevel(): void {
    let depth = 0;
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof') return;
      if (depth === 0 && (tok.text === 'module' || tok.text === 'import')) return;
      if (tok.text === '{') depth++;
      else if (tok.text === '}' && depth > 0) depth--;
      this.next();
    }
  }

  private parseImport(): ImportNode | undefined {
    const kw = this.next();
    const tok = this.peek();
    if (tok.kind === 'string') {
      this.next();
      const bare = (tok.value ?? '').replace(/\.idl$/, '');
      this.reporter.error(
        'unexpected-token',
        `import takes a bare file name without quotes or '.idl': import ${bare || 'name'}`,
        this.tokRange(tok),
      );
      return undefined;
    }
    if (tok.kind !== 'ident' || tok.text === 'module' || tok.text === 'import') {
      this.unexpected("a file name after 'import'");
      return undefined;
    }
    this.next();
    if (this.at(';')) {
      const semi = this.next();
      this.reporter.error('stray-semicolon', "'import' takes no ';'", this.tokRange(semi));
    }
    return {
      kind: 'import',
      name: tok.text,
      nameRange: this.tokRange(tok),
      range: this.range(kw.offset, tok.endOffset),
    };
  }

  // ---- module ----

  private parseModule(): ModuleNode | undefined {
    const kw = this.next();
    const name = this.expectName('a module');
    let open: Token | undefined;
    if (this.at('{')) open = this.next();
    else if (name) this.unexpected(`'{' after module '${name.name}'`);
    if (!open && !name) {
      this.skipTopLevel();
      return undefined;
    }
    const elements: ElementNode[] = [];
    for (;;) {
      const start = this.i;
      const tok = this.peek();
      if (tok.kind === 'eof') {
        this.missingBrace(`module '${name?.name ?? ''}'`, open);
        break;
      }
      if (tok.text === '}') {
        this.next();
        break;
      }
      if (tok.text === 'module') {
        // Either a nested module or a forgotten '}': end this one and let the top level parse it.
        this.reporter.error(
          'nested-module',
          "modules cannot be nested (is a '}' missing before this module?)",
          this.tokRange(tok),
        );
        break;
      }
      if (tok.text === 'import') {
        this.reporter.error(
          'unexpected-token',
          "'import' is only allowed at the top level, outside modules",
          this.tokRange(tok),
        );
        this.parseImport();
      } else if (tok.text === ';') {
        this.next();
        this.reporter.error('stray-semicolon', "stray ';': an empty declaration is not allowed", this.tokRange(tok));
      } else if (this.startsElement(tok)) {
        const el = this.parseElement();
        if (el?.node) elements.push(el.node);
        if (this.at(';')) this.next();
        else if (el?.complete) this.missingSemicolon(el.node ? `${el.node.kind} '${el.node.name}'` : 'the declaration');
      } else {
        this.unexpected("'struct', 'interface', 'sequence', 'dictionary' or '}'");
        this.next();
        this.recover('element');
      }
      if (this.i === start) this.next();
    }
    if (!name) return undefined;
    return this.withDoc<ModuleNode>(
      { kind: 'module', name: name.name, nameRange: name.nameRange, elements, range: this.range(kw.offset) },
      kw,
    );
  }

  private startsElement(tok: Token): boolean {
    return (
      tok.text === '[' ||
      tok.text === 'struct' ||
      tok.text === 'interface' ||
      tok.text === 'sequence' ||
      tok.text === 'dictionary'
    );
  }

  private elementWord(tok: Token): string {
    return tok.text === '[' ? 'an annotated interface' : tok.text === 'interface' ? 'an interface' : `a ${tok.text}`;
  }

  // ---- elements ----

  private parseElement(): ElementResult {
    const first = this.peek();
    const annotation = first.text === '[' ? this.parseAnnotation() : undefined;
    const kw = this.peek();
    switch (kw.text) {
      case 'interface':
        return this.parseInterface(first, annotation);
      case 'struct':
      case 'sequence':
      case 'dictionary': {
        if (annotation) {
          this.reporter.error(
            'misplaced-annotation',
            `annotations are only allowed before interfaces and operations, not before a ${kw.text}`,
            annotation.range,
          );
        }
        return kw.text === 'struct'
          ? this.parseStruct(first)
          : kw.text === 'sequence'
            ? this.parseSequence(first)
            : this.parseDictionary(first);
      }
      default:
        this.unexpected("'interface' after the annotation");
        this.recover('element');
        return undefined;
    }
  }

  private parseStruct(first: Token): ElementResult<StructNode> {
    const kw = this.next();
    const name = this.expectName('a struct');
    if (!name) {
      this.recover('element');
      return undefined;
    }
    const open = this.expectOpenBrace('struct', name.name);
    if (open === undefined) return undefined;
    const { items: members, closed } = this.parseBlock(open, 'struct', name, () => this.parseMember());
    return {
      node: this.withDoc<StructNode>(
        { kind: 'struct', name: name.name, nameRange: name.nameRange, members, range: this.range(first.offset) },
        first,
        kw,
      ),
      complete: closed,
    };
  }

  /**
   * The items of a struct or interface body after its `{`, up to `}`: stray `;` are reported
   * and skipped, a missing `}` is reported where the next element or the end of file starts.
   * Messages are built only when reported (per block they showed in allocation profiles). The
   * items come back as an exact-length copy: grown by push, a body of 6 keeps room for 17.
   */
  private parseBlock<T>(
    open: Token | null,
    block: Block,
    name: Name,
    parseItem: () => T | undefined,
  ): { items: T[]; closed: boolean } {
    const items: T[] = [];
    let attempted = 0;
    for (;;) {
      const start = this.i;
      const tok = this.peek();
      if (tok.text === '}') {
        this.next();
        if (attempted === 0) {
          const message = `${block} '${name.name}' must have at least one ${BLOCK_ITEM[block]}`;
          this.reporter.error(`empty-${block}`, message, name.nameRange);
        }
        return { items: items.slice(), closed: true };
      }
      if (tok.kind === 'eof' || this.isBlockKeyword(tok)) {
        this.missingBrace(`${block} '${name.name}'`, open ?? undefined);
        return { items: items.slice(), closed: false };
      }
      if (tok.text === ';') {
        this.next();
        this.reporter.error('stray-semicolon', `stray ';' in ${withArticle(block)}`, this.tokRange(tok));
        continue;
      }
      attempted++;
      const item = parseItem();
      if (item) items.push(item);
      if (this.i === start) this.next();
    }
  }

  /** Reads `{`; when it is missing, reports it and carries on as if it were there if the body seems to follow. */
  private expectOpenBrace(block: Block, name: string): Token | null | undefined {
    if (this.at('{')) return this.next();
    this.unexpected(`'{' to open ${block} '${name}'`);
    const tok = this.peek();
    if (tok.kind === 'ident' && !this.isBlockKeyword(tok)) return null;
    this.recover('element');
    return undefined;
  }

  private parseMember(): MemberNode | undefined {
    const first = this.peek();
    const type = this.parseType();
    if (type === undefined) {
      this.recover('body');
      return undefined;
    }
    const name = this.expectName('a member');
    if (!name) {
      this.recover('body');
      return undefined;
    }
    if (this.at(';')) this.next();
    else this.missingSemicolon(`member '${name.name}'`);
    if (!type) return undefined;
    return this.withDoc<MemberNode>(
      { kind: 'member', type, name: name.name, nameRange: name.nameRange, range: this.range(first.offset) },
      first,
    );
  }

  private parseSequence(first: Token): ElementResult<SequenceNode> {
    this.next();
    if (!this.expectPunct('<', "'<' after 'sequence'")) return this.abandon();
    const element = this.parseType();
    if (element === undefined || !this.expectPunct('>', "'>' to close 'sequence<'")) return this.abandon();
    const name = this.expectName('a sequence');
    if (!name) return this.abandon();
    const node = element
      ? this.withDoc<SequenceNode>(
          {
            kind: 'sequence',
            element,
            name: name.name,
            nameRange: name.nameRange,
            range: this.range(first.offset),
          },
          first,
        )
      : undefined;
    return { node, complete: true };
  }

  private parseDictionary(first: Token): ElementResult<DictionaryNode> {
    this.next();
    if (!this.expectPunct('<', "'<' after 'dictionary'")) return this.abandon();
    const key = this.parseType();
    if (key === undefined || !this.expectPunct(',', "',' between the key and value types of 'dictionary<'"))
      return this.abandon();
    const value = this.parseType();
    if (value === undefined || !this.expectPunct('>', "'>' to close 'dictionary<'")) return this.abandon();
    const name = this.expectName('a dictionary');
    if (!name) return this.abandon();
    const node =
      key && value
        ? this.withDoc<DictionaryNode>(
            {
              kind: 'dictionary',
              key,
              value,
              name: name.name,
              nameRange: name.nameRange,
              range: this.range(first.offset),
            },
            first,
          )
        : undefined;
    return { node, complete: true };
  }

  private abandon(): undefined {
    this.recover('element');
    return undefined;
  }

  private expectPunct(p: string, expected: string): boolean {
    if (!this.at(p)) {
      this.unexpected(expected);
      return false;
    }
    this.next();
    return true;
  }

  // ---- interfaces ----

  private parseInterface(first: Token, annotation: AnnotationNode | undefined): ElementResult<InterfaceNode> {
    const kw = this.next();
    const name = this.expectName('an interface');
    if (!name) {
      this.recover('element');
      return undefined;
    }
    let base: TypeRefNode | undefined;
    if (this.at('extends')) {
      this.next();
      base = this.parseType() ?? undefined;
    }
    const open = this.expectOpenBrace('interface', name.name);
    if (open === undefined) return undefined;
    const { items: operations, closed } = this.parseBlock(open, 'interface', name, () => this.parseOperation());
    const node: InterfaceNode = this.withDoc<InterfaceNode>(
      {
        kind: 'interface',
        name: name.name,
        nameRange: name.nameRange,
        operations,
        range: this.range(first.offset),
      },
      first,
      kw,
    );
    if (annotation) node.annotation = annotation;
    if (base) node.base = base;
    return { node, complete: closed };
  }

  private parseOperation(): OperationNode | undefined {
    const first = this.peek();
    const annotation = first.text === '[' ? this.parseAnnotation() : undefined;
    const typeTok = this.peek();
    const returns = this.parseType();
    if (returns === undefined) {
      this.recover('body');
      return undefined;
    }
    const name = this.expectName('an operation');
    if (!name) {
      this.recover('body');
      return undefined;
    }
    if (!this.at('(')) {
      this.unexpected(`'(' after operation '${name.name}'`);
      this.recover('body');
      return undefined;
    }
    this.next();
    const params = this.parseParams();
    if (!params) {
      this.recover('body');
      return undefined;
    }
    if (this.at(';')) this.next();
    else this.missingSemicolon(`operation '${name.name}'`);
    if (!returns || params.invalid) return undefined;
    const node: OperationNode = this.withDoc<OperationNode>(
      {
        kind: 'operation',
        returns,
        name: name.name,
        nameRange: name.nameRange,
        params: params.list,
        range: this.range(first.offset),
      },
      first,
      typeTok,
    );
    if (annotation) node.annotation = annotation;
    return node;
  }

  /** After `(`: parameters and the closing `)`. undefined = syntax error, not recovered. */
  private parseParams(): { list: ParamNode[]; invalid: boolean } | undefined {
    const list: ParamNode[] = [];
    let invalid = false;
    if (this.at(')')) {
      this.next();
      return { list, invalid };
    }
    for (;;) {
      const first = this.peek();
      const type = this.parseType();
      if (type === undefined) return undefined;
      const name = this.expectName('a parameter');
      if (!name) return undefined;
      if (type)
        list.push({
          kind: 'param',
          type,
          name: name.name,
          nameRange: name.nameRange,
          range: this.range(first.offset),
        });
      else invalid = true;
      if (this.at(',')) {
        this.next();
        continue;
      }
      if (this.at(')')) {
        this.next();
        // An exact-length copy: grown by push, the list keeps room for 17 parameters while the AST lives.
        return { list: list.slice(), invalid };
      }
      this.unexpected("',' or ')' in the parameter list");
      return undefined;
    }
  }

  // ---- types and annotations ----

  private parseType(): TypeResult {
    const tok = this.peek();
    if (tok.kind !== 'ident') {
      this.unexpected('a type');
      return undefined;
    }
    if ((tok.text === 'sequence' || tok.text === 'dictionary') && this.at('<', 1)) {
      this.next();
      this.skipAngles();
      const written = this.file.text.slice(tok.offset, this.prevTok!.endOffset).replace(/\s+/g, ' ');
      const example = written.length <= 60 ? written : `${tok.text}<…>`;
      this.reporter.error(
        'inline-container',
        `container types must be named typedefs: declare '${example} Name;' in the module and use Name here`,
        this.range(tok.offset),
      );
      return null;
    }
    if (tok.text === 'sequence' || tok.text === 'dictionary' || this.isBlockKeyword(tok) || tok.text === 'extends') {
      this.unexpected('a type');
      return undefined;
    }
    this.next();
    if (!this.at('::') && !this.at(':')) {
      const range = this.tokRange(tok);
      return { kind: 'typeRef', name: tok.text, nameRange: range, range };
    }
    const sep = this.next();
    if (sep.text === ':') {
      this.reporter.error(
        'unexpected-token',
        "a qualified name is written 'module::Name' (two colons)",
        this.tokRange(sep),
      );
      if (this.at(':')) this.next();
    }
    const nameTok = this.peek();
    if (nameTok.kind !== 'ident') {
      this.unexpected(`a type name after '${tok.text}::'`);
      return undefined;
    }
    this.next();
    return {
      kind: 'typeRef',
      module: tok.text,
      moduleRange: this.tokRange(tok),
      name: nameTok.text,
      nameRange: this.tokRange(nameTok),
      range: this.range(tok.offset),
    };
  }

  /** Skips a balanced `<…>` starting at `<`, without crossing a `;` or a brace. */
  private skipAngles(): void {
    let depth = 0;
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof' || tok.text === ';' || tok.text === '{' || tok.text === '}' || tok.text === ')') return;
      this.next();
      if (tok.text === '<') depth++;
      else if (tok.text === '>' && --depth <= 0) return;
    }
  }

  private parseAnnotation(): AnnotationNode {
    const open = this.next();
    const attrs: AnnotationAttrNode[] = [];
    const done = (): AnnotationNode => ({ kind: 'annotation', attrs, range: this.range(open.offset) });
    if (this.at(']')) {
      this.next();
      this.reporter.error('annotation-syntax', 'empty annotation: write [key=value, …]', this.range(open.offset));
      return done();
    }
    for (;;) {
      const keyTok = this.peek();
      if (keyTok.kind !== 'ident') {
        this.annotationError('an annotation attribute (key=value)');
        return done();
      }
      this.next();
      if (!this.at('=')) {
        this.annotationError(`'=' after annotation key '${keyTok.text}'`);
        return done();
      }
      this.next();
      const valueTok = this.peek();
      if (valueTok.kind !== 'number' && valueTok.kind !== 'string' && valueTok.kind !== 'ident') {
        this.annotationError(`a value for '${keyTok.text}' (a number, a "string" or a word)`);
        return done();
      }
      this.next();
      attrs.push({
        kind: 'attr',
        key: keyTok.text,
        keyRange: this.tokRange(keyTok),
        value: valueTok.kind === 'string' ? (valueTok.value ?? '') : valueTok.text,
        valueKind: valueTok.kind === 'ident' ? 'identifier' : valueTok.kind,
        valueRange: this.tokRange(valueTok),
        range: this.range(keyTok.offset),
      });
      if (this.at(',')) {
        this.next();
        continue;
      }
      if (this.at(']')) {
        this.next();
        return done();
      }
      if (this.peek().kind === 'ident') {
        // Most likely the ']' was forgotten and the declaration follows.
        this.reporter.error('annotation-syntax', "missing ']' to close the annotation", this.afterPrev());
        return done();
      }
      this.annotationError("',' or ']' in the annotation");
      return done();
    }
  }

  /** Reports, then skips to just after the `]` unless the declaration seems to start. */
  private annotationError(expected: string): void {
    const tok = this.peek();
    this.reporter.error('annotation-syntax', `expected ${expected}, found ${this.describe(tok)}`, this.tokRange(tok));
    for (;;) {
      const t = this.peek();
      if (
        t.kind === 'eof' ||
        this.isBlockKeyword(t) ||
        t.text === ';' ||
        t.text === '{' ||
        t.text === '}' ||
        t.text === '('
      )
        return;
      this.next();
      if (t.text === ']') return;
    }
  }
}
