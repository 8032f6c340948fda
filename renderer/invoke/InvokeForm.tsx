import { typeRefToString } from '../../shared/idl/model.js';
import type { InvokeMode } from '../../shared/console-api/index.js';
import { hostDisagrees, resolveMethod, saveAndInvoke } from '../actions/invoke.js';
import { runCommand } from '../commands.js';
import { useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';
import { toastError } from '../stores/ui.js';
import { ExtraTable } from './ExtraTable.js';
import { ParamsEditor } from './ParamsEditor.js';

/** The selected method's call: parameters, mode, timeout, extra, and the Invoke button. */
export function InvokeForm() {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood })!;
  const selected = useInvoke((s) => s.selected)!;
  const { op } = resolveMethod(model, selected)!;
  const mode = useInvoke((s) => s.mode);
  const timeoutMs = useInvoke((s) => s.timeoutMs);
  useProject((s) => s.snapshot?.revision);
  const unsaved = hostDisagrees(selected);
  const isVoid = op.returns.kind === 'void';

  const setMode = (m: InvokeMode): void => useInvoke.setState({ mode: m });
  const modes: { value: InvokeMode; label: string; disabled: boolean }[] = [
    { value: 'twoway', label: 'two-way', disabled: false },
    { value: 'oneway', label: 'one-way', disabled: !isVoid },
    { value: 'async', label: 'async', disabled: false },
  ];

  return (
    <div className="invoke-form">
      <ParamsEditor run={() => void runCommand('invoke.run')} />
      <div className="form-grid">
        <div
          role="radiogroup"
          aria-label="Mode"
          className="segmented"
          aria-describedby={isVoid ? undefined : 'oneway-why'}
        >
          {modes.map((m) => (
            <label
              key={m.value}
              className={`seg ${mode === m.value ? 'on' : ''} ${m.disabled ? 'disabled' : ''}`}
              title={m.disabled ? 'one-way calls never get a result: only void operations' : undefined}
            >
              <input
                type="radio"
                name="invoke-mode"
                value={m.value}
                checked={mode === m.value}
                disabled={m.disabled}
                onChange={() => setMode(m.value)}
              />
              {m.label}
            </label>
          ))}
        </div>
        <label className="timeout-field">
          <span className="field-label">Timeout (ms)</span>
          <input
            className="input input-num"
            type="number"
            min={0}
            step={500}
            value={timeoutMs}
            disabled={mode === 'oneway'}
            onChange={(e) => useInvoke.setState({ timeoutMs: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </label>
      </div>
      {!isVoid && (
        <p id="oneway-why" className="muted small">
          One-way is disabled: {op.name} returns {typeRefToString(op.returns)}, and a one-way call never receives a
          reply.
        </p>
      )}
      <ExtraTable />
      {unsaved && (
        <div className="banner banner-warn inline-banner" role="status">
          The editor's IDL changes this operation; the host calls with the saved IDL.
          <button type="button" className="btn btn-small" onClick={() => void saveAndInvoke().catch(toastError)}>
            Save and invoke
          </button>
        </div>
      )}
      <div className="button-row">
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void runCommand('invoke.run')}
          title="Invoke (Ctrl+Enter)"
          aria-keyshortcuts="Control+Enter"
        >
          Invoke
        </button>
        <span className="kbd-hint">Ctrl+Enter</span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => void runCommand('invoke.copy')}>
          Copy as tce-call
        </button>
        <button type="button" className="btn btn-small" onClick={() => void runCommand('invoke.save')}>
          Save call
        </button>
      </div>
    </div>
  );
}
