import { generateAll } from '../../shared/codegen/index.js';
import { compile } from '../../shared/idl/compile.js';
import { hasErrors } from '../../shared/idl/diagnostics.js';
import type { SourceFile } from '../../shared/idl/source.js';
import type { CompileRequest, CompileResponse, GeneratedModule } from './protocol.js';
import { buildSymbolIndex } from './symbols.js';
import { messageOf } from '../../shared/message-of.js';

/**
 * The IDL worker: compiles the project's IDL (editor texts in place of the files) with the
 * shared compiler and generates TypeScript for every module, off the UI thread.
 */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CompileRequest>) => void) | null;
  postMessage(message: CompileResponse): void;
};

const dirOf = (path: string): string => path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

scope.onmessage = (e) => {
  const started = performance.now();
  const { id, files, interfaceDef } = e.data;
  const byPath = new Map<string, SourceFile>(files.map((f) => [f.path, f]));
  const result = compile(files, {
    resolveImport: (from, name) => byPath.get(`${dirOf(from)}${name}.idl`),
    ...(interfaceDef.length ? { interfaceDef: { entries: interfaceDef, mode: 'check' as const } } : {}),
  });
  let generated: GeneratedModule[] = [];
  try {
    generated = generateAll(result.model).map((g, i) => {
      const mod = result.model.modules[i]!;
      return { module: mod.name, files: mod.files, text: g.text };
    });
  } catch (err) {
    generated = [{ module: '', files: [], text: `// the generator failed: ${messageOf(err)}\n` }];
  }
  const index = buildSymbolIndex(result);
  scope.postMessage({
    id,
    model: result.model,
    diagnostics: result.diagnostics,
    errors: hasErrors(result.diagnostics),
    generated,
    symbols: index.symbols,
    occurrences: index.occurrences,
    elapsedMs: performance.now() - started,
  });
};
