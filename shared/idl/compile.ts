import type { IdlFileAst } from './ast.js';
import { check, type ModuleBlock } from './check.js';
import type { Diagnostic } from './diagnostics.js';
import { emptyModel, type IdlModel } from './model.js';
import { assignIndexes, type NumberingOptions } from './numbering.js';
import { parseFile } from './parser.js';
import { Reporter } from './report.js';
import type { SourceFile } from './source.js';
import { messageOf } from '../message-of.js';

// Numbering modes and InterfaceDef entries belong to numbering.ts; they are part of the compiler's options.
export type { InterfaceDefEntry, Numbering } from './numbering.js';

export interface CompileOptions extends NumberingOptions {
  /**
   * Resolves `import name` written in file `fromPath` (the original loads <dir of fromPath>/<name>.idl).
   * Files are identified by `path` (each is loaded once), so return the same path for the same file.
   */
  resolveImport?: (fromPath: string, name: string) => SourceFile | undefined;
}

export interface CompileResult {
  /**
   * Best effort even when there are errors (the editor shows what it can). With errors, a
   * `ref` TypeRef may name a type that does not exist, and broken declarations are left out.
   */
  model: IdlModel;
  /** Sorted by file (parse order, then other files such as services.xml by path), line, column. */
  diagnostics: Diagnostic[];
  /** The input files plus every imported file, in parse order. */
  files: SourceFile[];
  /** One AST per file of `files`, same order, with spans on every node (`positionsOf(file)` gives lines). */
  asts: IdlFileAst[];
}

/**
 * Compiles IDL files: lex, parse (following imports depth-first, each file once), merge
 * modules, check, number. Never throws; every problem is a diagnostic.
 */
export function compile(files: SourceFile[], options: CompileOptions = {}): CompileResult {
  const reporter = new Reporter();
  const loaded: SourceFile[] = [];
  const asts: IdlFileAst[] = [];
  const blocks: ModuleBlock[] = [];
  const seen = new Set<string>();

  // Imports load at the point of the `import`, as the original's parser did: an imported
  // file's module blocks come before the importing file's later blocks (this fixes numbering).
  const load = (file: SourceFile): void => {
    if (seen.has(file.path)) return;
    seen.add(file.path);
    loaded.push(file);
    const ast = parseFile(file, reporter);
    asts.push(ast);
    for (const item of ast.items) {
      if (item.kind === 'module') blocks.push({ file: file.path, node: item });
      else {
        const imported = resolve(file.path, item.name);
        if (typeof imported === 'string' || !imported) {
          const why = typeof imported === 'string' ? `: ${imported}` : '';
          reporter.error(
            'import-not-found',
            `cannot find imported file '${item.name}' (${item.name}.idl beside ${file.path})${why}`,
            item.nameRange,
          );
        } else load(imported);
      }
    }
  };
  const resolve = (from: string, name: string): SourceFile | string | undefined => {
    if (!options.resolveImport) return 'no import resolver was given';
    try {
      return options.resolveImport(from, name);
    } catch (e) {
      return messageOf(e);
    }
  };

  let model: IdlModel = emptyModel();
  try {
    for (const file of files) load(file);
    const checked = check(blocks, reporter);
    assignIndexes(checked.interfaces, options, reporter);
    model = checked.model;
  } catch (e) {
    // A bug here must not take the editor or the CLI down with it.
    const file = loaded[0]?.path ?? files[0]?.path ?? '<input>';
    reporter.error('internal-error', `internal compiler error: ${messageOf(e)}`, { file, start: 0, end: 0 });
  }
  return { model, diagnostics: sortDiagnostics(reporter.diagnostics, loaded), files: loaded, asts };
}

function sortDiagnostics(list: Diagnostic[], files: SourceFile[]): Diagnostic[] {
  const order = new Map(files.map((f, i) => [f.path, i]));
  return list.slice().sort((a, b) => {
    const fa = order.get(a.range.file);
    const fb = order.get(b.range.file);
    if (fa !== fb) {
      if (fa === undefined) return fb === undefined ? (a.range.file < b.range.file ? -1 : 1) : 1;
      if (fb === undefined) return -1;
      return fa - fb;
    }
    if (a.range.file !== b.range.file) return a.range.file < b.range.file ? -1 : 1;
    return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
  });
}
