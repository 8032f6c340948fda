import {
  typeRefToString,
  type DictionaryDecl,
  type IdlModel,
  type InterfaceDecl,
  type Operation,
  type SequenceDecl,
  type StructDecl,
  type TypeDecl,
  type TypeRef,
} from '../idl/model.js';
import { memberNames, modelNaming, paramNames, type ModuleNaming } from './names.js';
import { FileScope } from './scope.js';
import { decodeExpr, encodeStmt, isByte, minWireSize, tsType, zeroValue } from './wire-types.js';

export interface GenerateOptions {
  /** Module specifier of the runtime; generated code imports nothing else but sibling modules. */
  runtimeModule?: string;
  /** Naming shared across the modules of one output (generateAll passes it). */
  naming?: (module: string) => ModuleNaming;
}

export interface GeneratedFile {
  /** Relative to the output directory, e.g. `sns.ts`. */
  path: string;
  text: string;
}

const DEFAULT_RUNTIME = 'tce-console/runtime';

const CALL_MODES_DOC = `/*
 * Calling: every proxy method returns a Promise and takes trailing options
 *   { timeout?: ms (default: the connection's; 0 waits forever), extra?: out-of-band
 *     properties, mode?: 'twoway' | 'async' }.
 * 'twoway' sends calltype 0x01, 'async' 0x41; both resolve with the result or reject with an
 * RpcError carrying the TCE error code. Void operations also get \`<op>Oneway(...params,
 * { extra? })\` (calltype 0x21): sent without waiting, never answered.
 * Inherited operations are callable on a derived proxy and keep the declaring interface's
 * ifidx/opidx on the wire.
 *
 * Serving: extend <Interface>Servant and implement its methods; each receives the parameters
 * and a CallContext and returns the result or a Promise of it.
 */`;

/**
 * Characters of fragments joined into one piece. Measured on the 10k-line bench IDL (92k lines of
 * TS): 4–32 Ki pieces generate in ~28 ms, 256 Ki in ~35, 1 Mi in ~45, one join of everything
 * in ~65. Small strings are made in the young generation's pages, which are reused; large ones
 * get fresh pages of their own, and touching those the first time is what costs.
 */
const PIECE = 16 * 1024;

/**
 * The text of a file as it is written: blocks separated by blank lines, each written as the
 * fragments of its templates. Concatenating the fragments instead (template literals inside
 * template literals, `+=`) made a tree of intermediate strings per block, all live until the
 * file was joined and copied by each young-generation collection until then; fragments are
 * joined into pieces as they come. The file's text is a rope of those pieces: an ordinary string
 * to every reader (writing it to a file or comparing it flattens it there), without one more
 * copy of the whole text here.
 */
class TextWriter {
  private readonly pieces: string[] = [];
  /**
   * Fragments of the next piece: the first `count` entries. The array is reused for every piece
   * so that it grows only once, not a few thousand fragments' worth per piece.
   */
  private readonly pending: string[] = [];
  private count = 0;
  private pendingLength = 0;
  private blocks = 0;

  /** Starts a block: a blank line before every block but the first. */
  block(): void {
    if (this.blocks++ > 0) this.put('\n\n');
  }

  put(fragment: string): void {
    if (fragment.length === 0) return;
    this.pending[this.count++] = fragment;
    this.pendingLength += fragment.length;
    if (this.pendingLength >= PIECE) this.join();
  }

  /** As a tag (`` w.t`…` ``): writes the template's text and values in order, without concatenating them. */
  t(strings: TemplateStringsArray, ...values: (string | number)[]): void {
    this.put(strings[0]!);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      this.put(typeof v === 'string' ? v : String(v));
      this.put(strings[i + 1]!);
    }
  }

  /** Everything written; '' if nothing was. */
  text(): string {
    this.join();
    let text = this.pieces[0] ?? '';
    for (let i = 1; i < this.pieces.length; i++) text += this.pieces[i]!;
    return text;
  }

  private join(): void {
    if (this.count === 0) return;
    this.pending.length = this.count;
    this.pieces.push(this.pending.join(''));
    this.count = 0;
    this.pendingLength = 0;
  }
}

/** One module of the model as a TypeScript source file (`<module>.ts`). */
export function generateModule(model: IdlModel, moduleName: string, options: GenerateOptions = {}): GeneratedFile {
  const lookup = options.naming ?? modelNaming(model);
  const mod = model.modules.find((m) => m.name === moduleName);
  if (!mod) throw new Error(`no module '${moduleName}' in the model`);
  const scope = new FileScope(model, lookup(moduleName), lookup);

  const w = new TextWriter();
  for (const qname of mod.types) {
    const decl = model.types[qname];
    if (!decl) continue;
    w.block();
    typeBlock(w, scope, decl);
  }
  const ifaces = mod.interfaces.map((q) => model.interfaces[q]).filter((d): d is InterfaceDecl => d !== undefined);
  if (ifaces.length > 0) {
    w.block();
    w.put(CALL_MODES_DOC);
  }
  for (const decl of ifaces) {
    w.block();
    interfaceBlocks(w, scope, decl);
  }

  const files = mod.files.map((f) => f.slice(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1));
  const header = `// generated by tce2ts from ${files.join(', ') || '(no files)'} — do not edit`;
  const imports = scope.importLines(options.runtimeModule ?? DEFAULT_RUNTIME);
  const head = imports.length > 0 ? `${header}\n${imports.join('\n')}` : header;
  // The header's '—' would make any flat string holding it two-byte: the body stays one-byte.
  const body = w.text();
  return { path: `${moduleName}.ts`, text: body ? `${head}\n\n${body}\n` : `${head}\n` };
}

/**
 * A doc comment: our summary (if any), then the IDL's `comment` annotation or `//` comment
 * (if any) as its own paragraph. Ends with a newline when not empty.
 */
function docComment(indent: string, summary: string | undefined, idlDoc: string | undefined): string {
  if (!idlDoc) return summary ? `${indent}/** ${summary} */\n` : '';
  const text = summary ? `${summary}\n\n${idlDoc.replace(/\*\//g, '* /')}` : idlDoc.replace(/\*\//g, '* /');
  const lines = text.split('\n');
  if (lines.length === 1) return `${indent}/** ${text} */\n`;
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *\n` : `${indent} * ${l}\n`)).join('')}${indent} */\n`;
}

function typeBlock(w: TextWriter, scope: FileScope, decl: TypeDecl): void {
  switch (decl.kind) {
    case 'struct':
      return structBlock(w, scope, decl);
    case 'sequence':
      return sequenceBlock(w, scope, decl);
    case 'dictionary':
      return dictionaryBlock(w, scope, decl);
  }
}

function structBlock(w: TextWriter, scope: FileScope, decl: StructDecl): void {
  const name = scope.typeRef(decl.qname);
  const { fields } = decl;
  const members = memberNames(fields);
  w.put(docComment('', undefined, decl.doc));
  w.t`export interface ${name} {\n`;
  for (let i = 0; i < fields.length; i++) w.t`  ${members[i]!}: ${tsType(scope, fields[i]!.type)};\n`;
  w.t`}

export const ${name} = {
  create(init: Partial<${name}> = {}): ${name} {
    return {
`;
  for (let i = 0; i < fields.length; i++) {
    const m = members[i]!;
    w.t`      ${m}: init.${m} ?? ${zeroValue(scope, fields[i]!.type)},\n`;
  }
  w.t`    };
  },
  encode(w: ${scope.rt('ByteWriter')}, v: ${name}): void {
`;
  for (let i = 0; i < fields.length; i++) w.t`    ${encodeStmt(scope, fields[i]!.type, `v.${members[i]!}`)};\n`;
  // decode: object literal properties evaluate in source order, so the fields are read in wire order.
  w.t`  },
  decode(this: void, r: ${scope.rt('ByteReader')}): ${name} {
    return {
`;
  for (let i = 0; i < fields.length; i++) w.t`      ${members[i]!}: ${decodeExpr(scope, fields[i]!.type)},\n`;
  w.put(`    };
  },
};`);
}

function sequenceBlock(w: TextWriter, scope: FileScope, decl: SequenceDecl): void {
  const name = scope.typeRef(decl.qname);
  const W = scope.rt('ByteWriter');
  const R = scope.rt('ByteReader');
  w.put(docComment('', undefined, decl.doc));
  if (isByte(decl.element)) {
    w.t`export type ${name} = Uint8Array;

export const ${name} = {
  encode(w: ${W}, v: ${name}): void {
    w.bytes(v);
  },
  decode(this: void, r: ${R}): ${name} {
    return r.byteSeq();
  },
};`;
    return;
  }
  const element = tsType(scope, decl.element);
  w.t`export type ${name} = ${element}[];

export const ${name} = {
  encode(w: ${W}, v: ${name}): void {
    w.u32(v.length);
    for (const e of v) ${encodeStmt(scope, decl.element, 'e')};
  },
  decode(this: void, r: ${R}): ${name} {
    const n = r.count(${minWireSize(scope.model, decl.element)}, '${decl.qname}');
    const v: ${element}[] = [];
    for (let i = 0; i < n; i++) v.push(${decodeExpr(scope, decl.element)});
    return v;
  },
};`;
}

function dictionaryBlock(w: TextWriter, scope: FileScope, decl: DictionaryDecl): void {
  const name = scope.typeRef(decl.qname);
  const key = tsType(scope, decl.key);
  const value = tsType(scope, decl.value);
  const entrySize = minWireSize(scope.model, decl.key) + minWireSize(scope.model, decl.value);
  w.put(docComment('', undefined, decl.doc));
  w.t`export type ${name} = Map<${key}, ${value}>;

export const ${name} = {
  encode(w: ${scope.rt('ByteWriter')}, v: ${name}): void {
    w.u32(v.size);
    for (const [k, e] of v) {
      ${encodeStmt(scope, decl.key, 'k')};
      ${encodeStmt(scope, decl.value, 'e')};
    }
  },
  decode(this: void, r: ${scope.rt('ByteReader')}): ${name} {
    const n = r.count(${entrySize}, '${decl.qname}');
    const v = new Map<${key}, ${value}>();
    for (let i = 0; i < n; i++) {
      const k = ${decodeExpr(scope, decl.key)};
      v.set(k, ${decodeExpr(scope, decl.value)});
    }
    return v;
  },
};`;
}

/** `string echo(string text)` — the operation as the IDL spells it, for doc comments. */
function idlSignature(scope: FileScope, op: Operation): string {
  const spell = (t: TypeRef): string => {
    if (t.kind !== 'ref') return typeRefToString(t);
    const decl = scope.model.types[t.name];
    return decl && decl.module !== scope.module ? `${decl.module}::${decl.name}` : (decl?.name ?? t.name);
  };
  return `${spell(op.returns)} ${op.name}(${op.params.map((p) => `${spell(p.type)} ${p.name}`).join(', ')})`;
}

/** What the proxy and the servant of an interface share about one operation. */
interface OperationView {
  op: Operation;
  method: string;
  oneway: string | undefined;
  /** `text: string, ` — the TS parameters, each followed by a comma. */
  params: string;
  paramNames: string[];
  result: string;
}

function operationViews(scope: FileScope, decl: InterfaceDecl): OperationView[] {
  const names = scope.naming.interfaceNames(decl.qname);
  return decl.operations.map((op) => {
    const paramNames_ = paramNames(op.params, scope.names);
    return {
      op,
      method: names.methods.get(op.name)!,
      oneway: names.oneway.get(op.name),
      params: op.params.map((p, i) => `${paramNames_[i]!}: ${tsType(scope, p.type)}, `).join(''),
      paramNames: paramNames_,
      result: tsType(scope, op.returns),
    };
  });
}

/** The parameter encoder passed to invoke: NO_PARAMS, one call, or a block. */
function paramEncoder(scope: FileScope, view: OperationView): string {
  const { params } = view.op;
  if (params.length === 0) return scope.rt('NO_PARAMS');
  const stmts = params.map((p, i) => encodeStmt(scope, p.type, view.paramNames[i]!));
  return stmts.length === 1 ? `(w) => ${stmts[0]!}` : `(w) => {\n      ${stmts.join(';\n      ')};\n    }`;
}

function resultDecoder(scope: FileScope, op: Operation): string {
  if (op.returns.kind === 'void') return 'null';
  if (op.returns.kind === 'ref') return `${scope.typeRef(op.returns.name)}.decode`;
  return `(r) => ${decodeExpr(scope, op.returns)}`;
}

/** The base interface, if it exists (a model with errors may name one that does not). */
const baseOf = (scope: FileScope, decl: InterfaceDecl): InterfaceDecl | undefined =>
  decl.base ? scope.model.interfaces[decl.base] : undefined;

function interfaceBlocks(w: TextWriter, scope: FileScope, decl: InterfaceDecl): void {
  const views = operationViews(scope, decl);
  proxyBlock(w, scope, decl, views);
  w.put('\n\n');
  servantBlock(w, scope, decl, views);
}

function proxyBlock(w: TextWriter, scope: FileScope, decl: InterfaceDecl, views: OperationView[]): void {
  const names = scope.naming.interfaceNames(decl.qname);
  const baseDecl = baseOf(scope, decl);
  const base = baseDecl ? scope.proxyRef(baseDecl.qname) : scope.rt('Proxy');
  const inherits = baseDecl ? `; inherits the operations of \`${baseDecl.qname}\`` : '';
  w.put(docComment('', `Proxy of \`${decl.qname}\` (ifidx ${decl.index})${inherits}.`, decl.doc));
  w.t`export class ${names.proxy} extends ${base} {
  static ${baseDecl ? 'override ' : ''}readonly ifidx: number = ${decl.index};
`;
  const Options = scope.rt('CallOptions');
  for (const view of views) {
    const { op } = view;
    const encoder = paramEncoder(scope, view);
    w.put('\n');
    w.put(docComment('  ', `\`${idlSignature(scope, op)}\`, opidx ${op.index}.`, op.annotations.comment));
    w.t`  ${view.method}(${view.params}options?: ${Options}): Promise<${view.result}> {
    return this.invoke${op.returns.kind === 'void' ? '<void>' : ''}(${decl.index}, ${op.index}, ${op.params.length}, ${encoder}, ${resultDecoder(scope, op)}, options);
  }
`;
    if (view.oneway) {
      w.t`
  /** One-way \`${op.name}\`: sent without waiting, never answered. */
  ${view.oneway}(${view.params}options?: ${scope.rt('OnewayOptions')}): void {
    this.invokeOneway(${decl.index}, ${op.index}, ${op.params.length}, ${encoder}, options);
  }
`;
    }
  }
  w.put('}');
}

function servantBlock(w: TextWriter, scope: FileScope, decl: InterfaceDecl, views: OperationView[]): void {
  const names = scope.naming.interfaceNames(decl.qname);
  const baseDecl = baseOf(scope, decl);
  const base = baseDecl ? scope.servantRef(baseDecl.qname) : scope.rt('Servant');
  const Ctx = scope.rt('CallContext');
  w.put(
    docComment(
      '',
      `Servant base of \`${decl.qname}\` (ifidx ${decl.index}): extend it and implement the operations.`,
      decl.doc,
    ),
  );
  w.t`export abstract class ${names.servant} extends ${base} {
  static ${baseDecl ? 'override ' : ''}readonly ifidx: number = ${decl.index};

`;
  for (const view of views) {
    w.t`  abstract ${view.method}(${view.params}ctx: ${Ctx}): ${view.result} | Promise<${view.result}>;\n`;
  }
  w.t`
  protected override describe(table: ${scope.rt('OperationTable')}): void {
    super.describe(table);
`;
  for (const view of views) {
    const { op } = view;
    const reader = op.params.length > 0 ? 'r' : '_r';
    w.t`    table.add(${decl.index}, ${op.index}, '${decl.qname}.${op.name}', `;
    // returnsValue sets the RETURN's informational paramsize (1 or 0, spec §1.3).
    if (op.returns.kind === 'void') {
      w.t`(${reader}, ctx) => `;
      servantCall(w, scope, view);
      w.put(', { returnsValue: false });\n');
      continue;
    }
    // Synchronous servant methods take the dispatcher's allocation-free synchronous path.
    w.t`(${reader}, ctx, w) => {
      const result = `;
    servantCall(w, scope, view);
    w.t`;
      if (result instanceof Promise) return result.then((v) => {
        ${encodeStmt(scope, op.returns, 'v')};
      });
      ${encodeStmt(scope, op.returns, 'result')};
    }, { returnsValue: true });\n`;
  }
  w.put('  }\n}');
}

/** `this.method(…decoded parameters, ctx)`: arguments evaluate left to right, so the parameters are read in wire order. */
function servantCall(w: TextWriter, scope: FileScope, view: OperationView): void {
  w.t`this.${view.method}(`;
  for (const p of view.op.params) w.t`${decodeExpr(scope, p.type)}, `;
  w.put('ctx)');
}
