import type { SourceSpan } from './source.js';

/**
 * The syntax tree of one IDL file, as written (nothing resolved, nothing numbered).
 * Every node has `range`; named nodes also have `nameRange` (hover, go-to-definition). Ranges
 * are offset spans (`SourceSpan`): `positionsOf(file)` gives their lines and columns.
 * Member and operation ranges include their `;`; element ranges stop before the element's
 * `;` (that one belongs to the module's element list). Nodes the parser could not complete
 * are left out; the diagnostics say why.
 */

export interface Node {
  range: SourceSpan;
}

/** `name` or `module::name` in a type position. */
export interface TypeRefNode extends Node {
  kind: 'typeRef';
  /** Set for the qualified form `module::name`. */
  module?: string;
  moduleRange?: SourceSpan;
  name: string;
  nameRange: SourceSpan;
}

export interface AnnotationAttrNode extends Node {
  kind: 'attr';
  key: string;
  keyRange: SourceSpan;
  /** The value as written; a string literal's quotes are stripped and its escapes decoded. */
  value: string;
  valueKind: 'number' | 'string' | 'identifier';
  valueRange: SourceSpan;
}

/** `[key=value, …]` before an interface or an operation. */
export interface AnnotationNode extends Node {
  kind: 'annotation';
  attrs: AnnotationAttrNode[];
}

interface NamedNode extends Node {
  name: string;
  nameRange: SourceSpan;
  /** A `//` or `/* *\/` comment on the line(s) directly above the declaration. */
  doc?: string;
}

export interface MemberNode extends NamedNode {
  kind: 'member';
  type: TypeRefNode;
}

export interface StructNode extends NamedNode {
  kind: 'struct';
  members: MemberNode[];
}

export interface SequenceNode extends NamedNode {
  kind: 'sequence';
  element: TypeRefNode;
}

export interface DictionaryNode extends NamedNode {
  kind: 'dictionary';
  key: TypeRefNode;
  value: TypeRefNode;
}

export interface ParamNode extends NamedNode {
  kind: 'param';
  type: TypeRefNode;
}

export interface OperationNode extends NamedNode {
  kind: 'operation';
  annotation?: AnnotationNode;
  /** The return type as written; `void` is a TypeRefNode named `void`. */
  returns: TypeRefNode;
  params: ParamNode[];
}

export interface InterfaceNode extends NamedNode {
  kind: 'interface';
  annotation?: AnnotationNode;
  base?: TypeRefNode;
  operations: OperationNode[];
}

export type ElementNode = StructNode | SequenceNode | DictionaryNode | InterfaceNode;

/** One `module name { … }` block; blocks with the same name are merged by the checker. */
export interface ModuleNode extends NamedNode {
  kind: 'module';
  elements: ElementNode[];
}

/** `import name` (no `;`): loads `<dir of this file>/name.idl` once. */
export interface ImportNode extends Node {
  kind: 'import';
  name: string;
  nameRange: SourceSpan;
}

export type TopLevelNode = ModuleNode | ImportNode;

export interface IdlFileAst extends Node {
  kind: 'file';
  path: string;
  items: TopLevelNode[];
}
