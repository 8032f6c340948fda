import type { SourceSpan } from './source.js';

/**
 * The checked model: what the IDL front end produces once names are resolved and numbers
 * assigned. Plain JSON-serializable data (no classes, no cycles) so it can cross a Worker or
 * the console bridge; types refer to each other by qualified name. Ranges are offset spans into
 * their file (`SourceSpan`; `positionsOf` gives lines and columns).
 */

export type BuiltinName = 'byte' | 'bool' | 'short' | 'int' | 'long' | 'float' | 'double' | 'string';
export const BUILTIN_NAMES: readonly BuiltinName[] = [
  'byte',
  'bool',
  'short',
  'int',
  'long',
  'float',
  'double',
  'string',
];

/** `module.Name`: the form services.xml and tce-call use (the IDL spells it `module::Name`). */
export type QualifiedName = string;

export type TypeRef =
  | { kind: 'builtin'; name: BuiltinName }
  | { kind: 'void' }
  /** A struct, sequence or dictionary declared in some module. */
  | { kind: 'ref'; name: QualifiedName };

export type Annotations = Record<string, string>;

interface DeclBase {
  /** The bare name, e.g. `Message_t`. */
  name: string;
  module: string;
  /** `module.Name`. */
  qname: QualifiedName;
  range: SourceSpan;
  /** Where the name is written (hover, go-to-definition). */
  nameRange?: SourceSpan;
  /** From a `comment` annotation or a `//` comment directly above, if any. */
  doc?: string;
}

export interface Field {
  name: string;
  type: TypeRef;
  range: SourceSpan;
  nameRange?: SourceSpan;
  doc?: string;
}

export interface StructDecl extends DeclBase {
  kind: 'struct';
  fields: Field[];
}

export interface SequenceDecl extends DeclBase {
  kind: 'sequence';
  element: TypeRef;
}

export interface DictionaryDecl extends DeclBase {
  kind: 'dictionary';
  key: TypeRef;
  value: TypeRef;
}

export type TypeDecl = StructDecl | SequenceDecl | DictionaryDecl;

export interface Param {
  name: string;
  type: TypeRef;
  range: SourceSpan;
  nameRange?: SourceSpan;
}

export interface Operation {
  name: string;
  /** opidx on the wire (spec §1.7 rule 3). */
  index: number;
  params: Param[];
  returns: TypeRef;
  annotations: Annotations;
  range: SourceSpan;
  nameRange?: SourceSpan;
  /** From a `comment` annotation or a `//` comment directly above, if any. */
  doc?: string;
  /** Qualified name of the interface that declares it: inherited operations keep its ifidx. */
  owner: QualifiedName;
}

export interface InterfaceDecl extends DeclBase {
  kind: 'interface';
  /** ifidx on the wire (spec §1.7 rules 1–2, or legacy/InterfaceDef numbering). */
  index: number;
  base?: QualifiedName;
  /** Operations declared in this interface only; see `allOperations` for inherited ones. */
  operations: Operation[];
  annotations: Annotations;
}

export interface ModuleModel {
  name: string;
  /** Declarations in merged declaration order (files in parse order). */
  types: QualifiedName[];
  interfaces: QualifiedName[];
  /** Files that contribute to this module. */
  files: string[];
}

export interface IdlModel {
  modules: ModuleModel[];
  types: Record<QualifiedName, TypeDecl>;
  interfaces: Record<QualifiedName, InterfaceDecl>;
}

export const emptyModel = (): IdlModel => ({ modules: [], types: {}, interfaces: {} });

/** Own operations first, then inherited ones (nearest ancestor first), each with its own owner/index. */
export function allOperations(model: IdlModel, iface: InterfaceDecl): Operation[] {
  const ops: Operation[] = [];
  const seen = new Set<QualifiedName>();
  for (
    let cur: InterfaceDecl | undefined = iface;
    cur && !seen.has(cur.qname);
    cur = cur.base ? model.interfaces[cur.base] : undefined
  ) {
    seen.add(cur.qname);
    ops.push(...cur.operations);
  }
  return ops;
}

/**
 * An operation as called through an interface: the interface named, the operation (its own or
 * inherited), the interface that declares it, and the ifidx the call travels under — the
 * declaring interface's, not the derived one's (spec §1.7 rule 4).
 */
export interface ResolvedOperation {
  iface: InterfaceDecl;
  op: Operation;
  owner: InterfaceDecl;
  ifidx: number;
}

/** `qname`'s operation `method`, inherited ones included; undefined when the model has no such interface or operation. */
export function resolveOperation(model: IdlModel, qname: QualifiedName, method: string): ResolvedOperation | undefined {
  const iface = model.interfaces[qname];
  const op = iface && allOperations(model, iface).find((o) => o.name === method);
  return iface && op ? declarationOf(model, iface, op) : undefined;
}

/** Where `op`, one of `iface`'s operations (see allOperations), is declared, and so its ifidx. */
export function declarationOf(model: IdlModel, iface: InterfaceDecl, op: Operation): ResolvedOperation {
  const owner = model.interfaces[op.owner] ?? iface;
  return { iface, op, owner, ifidx: owner.index };
}

/** The interface with this ifidx, for decoding captured traffic. */
export function interfaceByIndex(model: IdlModel, ifidx: number): InterfaceDecl | undefined {
  for (const qname in model.interfaces) {
    const iface = model.interfaces[qname]!;
    if (iface.index === ifidx) return iface;
  }
  return undefined;
}

export function operationByIndex(iface: InterfaceDecl, opidx: number): Operation | undefined {
  return iface.operations.find((op) => op.index === opidx);
}

export function typeRefToString(t: TypeRef): string {
  return t.kind === 'builtin' ? t.name : t.kind === 'void' ? 'void' : t.name;
}
