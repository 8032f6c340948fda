// The IDL front end: text → AST (with source ranges) → checked, numbered model + diagnostics.
export { compile } from './compile.js';
export type { CompileOptions, CompileResult, InterfaceDefEntry, Numbering } from './compile.js';
export type * from './ast.js';
export { formatDiagnostic, hasErrors } from './diagnostics.js';
export type { Diagnostic, RelatedInformation, Severity } from './diagnostics.js';
export {
  allOperations,
  BUILTIN_NAMES,
  declarationOf,
  emptyModel,
  interfaceByIndex,
  operationByIndex,
  resolveOperation,
  typeRefToString,
} from './model.js';
export type * from './model.js';
export type { SourceFile, SourcePos, SourceRange, SourceSpan } from './source.js';
export { positionsOf, type Positions } from './positions.js';
export { KEYWORDS, RESERVED_WORDS } from './lexer.js';
