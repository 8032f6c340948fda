import { useEffect, useMemo, useRef } from 'react';
import { typeRefToString } from '../../shared/idl/model.js';
import { generateExample, resolveMethod, setArgsText } from '../actions/invoke.js';
import { CodeEditor } from '../components/CodeEditor.js';
import { monaco } from '../monaco/setup.js';
import { methodKey, useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';
import { useUi } from '../stores/ui.js';
import { argsModel, bindSchema } from './args-models.js';

const ARGS_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  ariaLabel: 'Parameters (JSON)',
  lineNumbers: 'off',
  folding: false,
  tabSize: 2,
  glyphMargin: false,
  lineDecorationsWidth: 6,
  overviewRulerLanes: 0,
  scrollbar: { verticalScrollbarSize: 8 },
  quickSuggestions: { strings: true, other: true, comments: false },
};

/**
 * The selected method's signature and its parameters: JSON checked against the operation's
 * schema, with Generate example. Shared by calls (Invoke) and pushes (Push); Ctrl+Enter runs `run`.
 */
export function ParamsEditor({ run }: { run: () => void }) {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood })!;
  const selected = useInvoke((s) => s.selected)!;
  const { op, owner } = resolveMethod(model, selected)!;
  const key = methodKey(selected);
  const argsText = useInvoke((s) => s.argsText[key] ?? '{}');
  const argsError = useInvoke((s) => s.argsError);
  const problems = useInvoke((s) => s.problems);

  const jsonModel = useMemo(() => argsModel(key, argsText), [key, argsText]);
  useEffect(() => {
    bindSchema(jsonModel, model, op);
  }, [jsonModel, model, op]);
  const subscribed = useRef<monaco.IDisposable | null>(null);
  useEffect(() => {
    subscribed.current?.dispose();
    subscribed.current = jsonModel.onDidChangeContent(() => setArgsText(jsonModel.getValue()));
    return () => subscribed.current?.dispose();
  }, [jsonModel]);
  // The list appears below the editor, in the form's own scroller: bring it into sight there.
  const problemList = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const list = problemList.current;
    const form = list?.closest('.invoke-form');
    if (list && form) form.scrollTop = Math.max(0, list.offsetTop + list.offsetHeight - form.clientHeight);
  }, [problems]);
  const runRef = useRef(run);
  runRef.current = run;

  const onMount = (editor: monaco.editor.IStandaloneCodeEditor): void => {
    const { KeyMod, KeyCode } = monaco;
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, () => runRef.current());
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyP, () => useUi.setState({ paletteOpen: true }));
  };

  return (
    <>
      {/* One line: the signature names the parameters the JSON below gives (schema-checked as typed). */}
      <div className="field-head params-head">
        <span className="sr-only" id="params-label">
          Parameters
        </span>
        <div className="signature mono" title={`${owner.qname}: ifidx ${owner.index}, opidx ${op.index}`}>
          <span className="sig-ret">{typeRefToString(op.returns)}</span> <strong>{op.name}</strong>(
          {op.params.map((p, i) => (
            <span key={p.name}>
              {i > 0 && ', '}
              <span className="sig-type">{typeRefToString(p.type)}</span> {p.name}
            </span>
          ))}
          )
          <span className="muted small">
            {' '}
            · if {owner.index} op {op.index}
          </span>
        </div>
        <button type="button" className="btn btn-small" onClick={generateExample}>
          Generate example
        </button>
      </div>
      {op.doc && <p className="muted small">{op.doc}</p>}
      <div
        className={`args-editor ${op.params.length === 0 ? 'args-empty' : ''}`}
        aria-labelledby="params-label"
        role="group"
      >
        <CodeEditor model={jsonModel} options={ARGS_OPTIONS} onMount={onMount} />
      </div>
      {argsError && (
        <div className="error-text small" role="alert">
          {argsError}
        </div>
      )}
      {problems.length > 0 && (
        <div className="problem-list small" role="alert" aria-label="Parameter problems" ref={problemList}>
          <div className="error-text">
            Not sent: {problems.length === 1 ? 'one argument does' : `${problems.length} arguments do`} not fit{' '}
            {op.name}
          </div>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                <code className="problem-path">{p.path || '(arguments)'}</code> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
