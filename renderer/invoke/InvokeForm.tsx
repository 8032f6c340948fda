import { typeRefToString } from '../../shared/idl/model.js';
import type { InvokeMode } from '../../shared/console-api/index.js';
import { cancelCall, hostDisagrees, pendingOfTab, resolveMethod, saveAndInvoke } from '../actions/invoke.js';
import { runCommand } from '../commands.js';
import { useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';
import { toastFailure } from '../stores/ui.js';
import { ExtraTable } from './ExtraTable.js';
import { ParamsEditor } from './ParamsEditor.js';

/**
 * The selected method's call: parameters and extra (they scroll when the panel is short), then
 * the action bar — mode, timeout, Invoke, Cancel — which never scrolls out of sight.
 */
export function InvokeForm() {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood })!;
  const selected = useInvoke((s) => s.selected)!;
  const { op } = resolveMethod(model, selected)!;
  useProject((s) => s.snapshot?.revision);
  const unsaved = hostDisagrees(selected);
  const isVoid = op.returns.kind === 'void';

  return (
    <>
      <div className="invoke-form">
        <ParamsEditor run={() => void runCommand('invoke.run')} />
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
            <button type="button" className="btn btn-small" onClick={() => toastFailure(() => saveAndInvoke())}>
              Save and invoke
            </button>
          </div>
        )}
      </div>
      <InvokeActions isVoid={isVoid} />
    </>
  );
}

/** Mode, timeout, Invoke and Cancel; Copy as tce-call and Save call. */
function InvokeActions({ isVoid }: { isVoid: boolean }) {
  const mode = useInvoke((s) => s.mode);
  const timeoutMs = useInvoke((s) => s.timeoutMs);
  const calls = useInvoke((s) => s.calls);
  const activeTab = useInvoke((s) => s.activeTab);
  const pending = pendingOfTab(calls, activeTab);
  const setMode = (m: InvokeMode): void => useInvoke.setState({ mode: m });
  const modes: { value: InvokeMode; label: string; disabled: boolean }[] = [
    { value: 'twoway', label: 'two-way', disabled: false },
    { value: 'oneway', label: 'one-way', disabled: !isVoid },
    { value: 'async', label: 'async', disabled: false },
  ];
  return (
    <div className="invoke-actions" role="group" aria-label="Call">
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void runCommand('invoke.run')}
        title="Invoke (Ctrl+Enter)"
        aria-keyshortcuts="Control+Enter"
      >
        Invoke
      </button>
      {pending && (
        <button
          type="button"
          className="btn"
          title={`Stop waiting for ${pending.request.interface}.${pending.request.method}`}
          onClick={() => toastFailure(() => cancelCall(pending.callId))}
        >
          Cancel
        </button>
      )}
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
      <label className="timeout-field" title="Timeout (ms)">
        <span className="field-label">Timeout</span>
        <input
          className="input input-num"
          aria-label="Timeout (ms)"
          type="number"
          min={0}
          step={500}
          value={timeoutMs}
          disabled={mode === 'oneway'}
          onChange={(e) => useInvoke.setState({ timeoutMs: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
        />
        <span className="muted small">ms</span>
      </label>
      <span className="kbd-hint">Ctrl+Enter</span>
      <span className="spacer" />
      <button type="button" className="btn btn-small" onClick={() => void runCommand('invoke.copy')}>
        Copy as tce-call
      </button>
      <button type="button" className="btn btn-small" onClick={() => void runCommand('invoke.save')}>
        Save call
      </button>
    </div>
  );
}
