import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import type { SourceFile } from '../../shared/idl/source.js';
import { monaco } from '../monaco/setup.js';
import { IDL_LANGUAGE } from '../monaco/idl-language.js';
import { patchFile, useProject } from '../stores/project.js';

/**
 * The project's IDL files as Monaco models (one per path, `file://` URIs), so the editor, the
 * worker's compile, markers and cross-file navigation all see the same texts.
 */
const models = new Map<string, monaco.editor.ITextModel>();
/** The text each file had when last read or saved: a model is dirty when it differs. */
const saved = new Map<string, string>();
const changeListeners = new Set<() => void>();

export const MARKER_OWNER = 'tce-idl';

/** IDL files get the TCE IDL language; services.xml and config.yml open as XML and YAML. */
const languageOf = (path: string): string =>
  /\.xml$/i.test(path) ? 'xml' : /\.ya?ml$/i.test(path) ? 'yaml' : IDL_LANGUAGE;
const isIdl = (path: string): boolean => languageOf(path) === IDL_LANGUAGE;

export const modelFor = (path: string): monaco.editor.ITextModel | undefined => models.get(path);

export function pathOfUri(uri: monaco.Uri): string | undefined {
  const key = uri.toString();
  for (const [path, model] of models) if (model.uri.toString() === key) return path;
  return undefined;
}

/** Called after any edit of any IDL model (the compiler schedules itself here). */
export function onDocumentsChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

/**
 * Puts the text read from disk into the file's model. An existing model is replaced through an
 * undoable edit, so text the user had (after "reload") is one Ctrl+Z away, never lost.
 */
export function setDiskText(path: string, text: string, version: string): void {
  saved.set(path, text);
  let model = models.get(path);
  if (!model) {
    model = monaco.editor.createModel(text, languageOf(path), monaco.Uri.file(path));
    models.set(path, model);
    const m = model;
    m.onDidChangeContent(() => {
      const dirty = m.getValue() !== saved.get(path);
      if (useProject.getState().files[path]?.dirty !== dirty) patchFile(path, { dirty });
      if (isIdl(path)) for (const l of changeListeners) l();
    });
  } else if (model.getValue() !== text) {
    model.pushStackElement();
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    model.pushStackElement();
  }
  patchFile(path, { version, dirty: false, changedOnDisk: false });
}

/** After a successful save: the saved text becomes the base, edits made meanwhile stay dirty. */
export function markSaved(path: string, text: string, version: string): void {
  saved.set(path, text);
  patchFile(path, { version, dirty: models.get(path)?.getValue() !== text, changedOnDisk: false });
}

/** Drops models of files that left the project. */
export function retain(paths: readonly string[]): void {
  const keep = new Set(paths);
  for (const [path, model] of models) {
    if (keep.has(path)) continue;
    model.dispose();
    models.delete(path);
    saved.delete(path);
  }
}

/** Every project IDL file with the editor's text. */
export function currentTexts(paths: readonly string[]): SourceFile[] {
  return paths.flatMap((path) => {
    const model = models.get(path);
    return model ? [{ path, text: model.getValue() }] : [];
  });
}

/** Unsaved IDL texts, for `project.compile` overrides. */
export function dirtyTexts(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const [path, model] of models) {
    if (!isIdl(path)) continue;
    const text = model.getValue();
    if (text !== saved.get(path)) out.push({ path, text });
  }
  return out;
}

const SEVERITY: Record<Diagnostic['severity'], monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

export function applyMarkers(diagnostics: readonly Diagnostic[]): void {
  const byFile = new Map<string, monaco.editor.IMarkerData[]>();
  for (const d of diagnostics) {
    if (!models.has(d.range.file)) continue;
    const list = byFile.get(d.range.file) ?? [];
    byFile.set(d.range.file, list);
    const { start, end } = d.range;
    const sameSpot = end.line === start.line && end.column <= start.column;
    list.push({
      severity: SEVERITY[d.severity],
      message: d.message,
      code: d.code,
      source: 'tce-idl',
      startLineNumber: start.line,
      startColumn: start.column,
      endLineNumber: end.line,
      endColumn: sameSpot ? start.column + 1 : end.column,
      relatedInformation: d.related?.flatMap((r) =>
        models.has(r.range.file)
          ? [
              {
                resource: monaco.Uri.file(r.range.file),
                message: r.message,
                startLineNumber: r.range.start.line,
                startColumn: r.range.start.column,
                endLineNumber: r.range.end.line,
                endColumn: r.range.end.column,
              },
            ]
          : [],
      ),
    });
  }
  for (const [path, model] of models) monaco.editor.setModelMarkers(model, MARKER_OWNER, byFile.get(path) ?? []);
}
