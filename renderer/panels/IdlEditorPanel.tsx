import { useEffect, useMemo, useRef, useState } from 'react';
import { openFileAt, reloadFromDisk, saveFile } from '../actions/project.js';
import { runCommand } from '../commands.js';
import { CodeEditor } from '../components/CodeEditor.js';
import { modelFor } from '../editor/documents.js';
import { monaco } from '../monaco/setup.js';
import { baseName, useProject } from '../stores/project.js';
import { toast, useUi } from '../stores/ui.js';
import { useProblems } from './ProjectPanel.js';

const EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  ariaLabel: 'IDL source',
  glyphMargin: false,
  folding: true,
};

/** Monaco on the project's files: TCE IDL with live diagnostics, completion, hover, go to definition, save. */
export function IdlEditorPanel() {
  const snapshot = useProject((s) => s.snapshot);
  const current = useProject((s) => s.currentFile);
  const files = useProject((s) => s.files);
  const reveal = useProject((s) => s.reveal);
  const compiled = useProject((s) => s.compiled);
  const problems = useProblems(snapshot);
  // Tab moves focus out of the editor (keyboard users are not trapped) until Ctrl+M makes it indent.
  const [trapTab, setTrapTab] = useState(false);
  const options = useMemo(() => ({ ...EDITOR_OPTIONS, tabFocusMode: !trapTab }), [trapTab]);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const viewStates = useRef(new Map<string, monaco.editor.ICodeEditorViewState | null>());
  const shown = useRef<string | null>(null);
  const model = current && files[current] ? (modelFor(current) ?? null) : null;

  // Each file keeps its scroll and cursor when the user switches away and back.
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    if (shown.current && shown.current !== current) viewStates.current.set(shown.current, editor.saveViewState());
    if (model && current && shown.current !== current) {
      editor.setModel(model);
      const state = viewStates.current.get(current);
      if (state) editor.restoreViewState(state);
    }
    shown.current = model ? current : null;
  }, [model, current]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !reveal || reveal.file !== current || !model) return;
    const position = { lineNumber: reveal.line, column: reveal.column };
    editor.setPosition(position);
    editor.revealPositionInCenterIfOutsideViewport(position);
    editor.focus();
  }, [reveal, current, model]);

  const onMount = (editor: monaco.editor.IStandaloneCodeEditor): void => {
    editorRef.current = editor;
    const { KeyMod, KeyCode } = monaco;
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyS, () => void runCommand('file.save'));
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, () => void runCommand('invoke.run'));
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyP, () => useUi.setState({ paletteOpen: true }));
    // Ctrl (also on macOS, where CtrlCmd is Cmd) as in VS Code's "Toggle Tab Key Moves Focus".
    const ctrl = /Mac/.test(navigator.platform) ? KeyMod.WinCtrl : KeyMod.CtrlCmd;
    editor.addCommand(ctrl | KeyCode.KeyM, () => setTrapTab((t) => !t));
  };

  const tabs = snapshot
    ? [...snapshot.files.idl, ...(current && !snapshot.files.idl.includes(current) ? [current] : [])]
    : [];
  const state = current ? files[current] : undefined;
  // The same list as the Problems view, so the footer agrees with it for services.xml too.
  const counts = countDiagnostics(problems, current);

  return (
    <section className="panel editor-panel" aria-label="IDL editor">
      <header className="panel-header tabs-header">
        <div className="tabs" role="tablist" aria-label="Open files">
          {tabs.map((p) => (
            <button
              key={p}
              type="button"
              role="tab"
              aria-selected={p === current}
              className={`tab ${p === current ? 'active' : ''}`}
              onClick={() => openFileAt(p)}
              title={p}
            >
              {baseName(p)}
              {files[p]?.dirty && <span className="dirty-dot" aria-label="unsaved" />}
            </button>
          ))}
          {tabs.length === 0 && <span className="panel-title">IDL editor</span>}
        </div>
        {current && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void runCommand('file.save')}
            disabled={!state?.dirty}
            title="Save (Ctrl+S)"
          >
            Save
          </button>
        )}
      </header>
      {state?.changedOnDisk && current && (
        <div className="banner banner-warn" role="alert">
          {baseName(current)} changed on disk while you were editing it.
          <button type="button" className="btn btn-small" onClick={() => void reloadFromDisk(current)}>
            Load the disk version
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void saveFile(current, 'overwrite').then((ok) => ok && toast('saved over the disk version'))}
          >
            Overwrite with mine
          </button>
        </div>
      )}
      <div className="panel-body editor-body">
        <CodeEditor id="idl-editor" model={model} options={options} onMount={onMount} />
        {!model && (
          <div className="editor-empty">
            {snapshot ? 'Choose a file in the project.' : 'Open a project to edit its IDL.'}
          </div>
        )}
      </div>
      <footer className="panel-footer" aria-live="polite">
        {compiled ? (
          <span className={counts.errors ? 'error-text' : 'ok-text'}>
            {counts.errors ? `${counts.errors} error${counts.errors > 1 ? 's' : ''}` : 'No errors'}
            {counts.warnings ? `, ${counts.warnings} warning${counts.warnings > 1 ? 's' : ''}` : ''} in{' '}
            {current ? baseName(current) : 'project'}
          </span>
        ) : (
          <span className="muted">Not compiled yet</span>
        )}
        {compiled && <span className="muted">compiled in {compiled.elapsedMs.toFixed(1)} ms (worker)</span>}
        {model && (
          <span className="muted tab-hint" aria-label="Tab key">
            {trapTab ? 'Tab indents' : 'Tab moves focus'} · <kbd>Ctrl+M</kbd>{' '}
            {trapTab ? 'to leave with Tab' : 'to indent with Tab'}
          </span>
        )}
      </footer>
    </section>
  );
}

function countDiagnostics(
  list: readonly { severity: string; range: { file: string } }[],
  file: string | null,
): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of list) {
    if (file && d.range.file !== file) continue;
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}
