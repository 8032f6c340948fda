import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import type { InterfaceDefEntry } from '../../shared/idl/compile.js';
import type { IdlModel } from '../../shared/idl/model.js';
import type { SourceFile } from '../../shared/idl/source.js';

/** Messages between the renderer and the IDL worker (compile + TypeScript generation off the UI thread). */

export interface CompileRequest {
  id: number;
  /** Every project IDL file, with the editor's text for open ones. */
  files: SourceFile[];
  /** services.xml `<InterfaceDef>`, checked against the IDL numbering as the host does. */
  interfaceDef: InterfaceDefEntry[];
}

/** A 1-based line/column span inside one file (Monaco's coordinates). */
export interface Span {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export type SymbolKind =
  'module' | 'struct' | 'sequence' | 'dictionary' | 'interface' | 'operation' | 'param' | 'member';

/** A declaration the editor can hover and jump to. */
export interface SymbolInfo {
  key: string;
  kind: SymbolKind;
  name: string;
  /** Where the name is declared. */
  span: Span;
  /** Markdown for the hover: signature plus the resolved ifidx/opidx. */
  hover: string;
}

/** A name written in a file: its declaration or a use of it. */
export interface Occurrence {
  span: Span;
  key: string;
}

export interface GeneratedModule {
  module: string;
  /** IDL files contributing to the module. */
  files: string[];
  text: string;
}

export interface CompileResponse {
  id: number;
  model: IdlModel;
  diagnostics: Diagnostic[];
  errors: boolean;
  generated: GeneratedModule[];
  symbols: Record<string, SymbolInfo>;
  /** Per file, in text order. */
  occurrences: Record<string, Occurrence[]>;
  /** Compile + generate time in the worker. */
  elapsedMs: number;
}
