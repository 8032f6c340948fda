import { useEffect, useState } from 'react';
import { typeRefToString } from '../../shared/idl/model.js';
import type { InvokeMode } from '../../shared/console-api/index.js';
import {
  hostDisagrees,
  resolveMethod,
  saveAndInvoke,
  saveExtrasAsDefaults,
  setEnvironments,
} from '../actions/invoke.js';
import { runCommand } from '../commands.js';
import { CallList, HistoryList, SavedList } from '../invoke/CallList.js';
import { MethodTree } from '../invoke/MethodTree.js';
import { ParamsEditor } from '../invoke/ParamsEditor.js';
import { PushForm } from '../invoke/PushForm.js';
import { TargetPicker } from '../invoke/TargetPicker.js';
import { activeEnvironment, extraRow, methodKey, useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';
import { openDialog, toastFailure } from '../stores/ui.js';

/** Invoke: target, methods, schema-driven parameters, mode, timeout, extra; results, history, saved calls. */
export function InvokePanel() {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood });
  const selected = useInvoke((s) => s.selected);
  const resolved = resolveMethod(model, selected);
  const [tab, setTab] = useState<'results' | 'history' | 'saved'>('results');
  const calls = useInvoke((s) => s.calls);
  const pending = calls.filter((c) => !c.result && !c.failure).length;

  // The first gateway endpoint is the natural default target.
  useEffect(() => {
    if (!snapshot || useInvoke.getState().target) return;
    const gw =
      snapshot.services?.endpoints.find((e) => e.type === 'socket') ??
      snapshot.services?.endpoints.find((e) => e.type === 'websocket');
    if (gw) useInvoke.setState({ target: { kind: 'endpoint', endpoint: gw.name } });
  }, [snapshot]);

  return (
    <section className="panel invoke-panel" aria-label="Invoke">
      <header className="panel-header">
        <h2 className="panel-title">Invoke</h2>
        <EnvironmentPicker />
      </header>
      <div className="panel-body scroll invoke-body">
        <TargetPicker />
        <MethodTree model={model} />
        {resolved && selected && model ? (
          snapshot?.clientInterfaces.includes(resolved.op.owner) ||
          snapshot?.clientInterfaces.includes(resolved.iface.qname) ? (
            <PushForm key={methodKey(selected)} />
          ) : (
            <InvokeForm key={methodKey(selected)} />
          )
        ) : (
          <p className="muted small pad">{model ? 'Choose a method to call.' : ''}</p>
        )}
        <div className="results">
          <div className="tabs sub-tabs" role="tablist" aria-label="Calls">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'results'}
              className={`tab ${tab === 'results' ? 'active' : ''}`}
              onClick={() => setTab('results')}
            >
              Results {pending > 0 && <span className="count">{pending} in flight</span>}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'history'}
              className={`tab ${tab === 'history' ? 'active' : ''}`}
              onClick={() => setTab('history')}
            >
              History
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'saved'}
              className={`tab ${tab === 'saved' ? 'active' : ''}`}
              onClick={() => setTab('saved')}
            >
              Saved
            </button>
          </div>
          {tab === 'results' ? <CallList /> : tab === 'history' ? <HistoryList /> : <SavedList />}
        </div>
      </div>
    </section>
  );
}

function InvokeForm() {
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
          <button type="button" className="btn btn-small" onClick={() => toastFailure(() => saveAndInvoke())}>
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

function ExtraTable() {
  const extras = useInvoke((s) => s.extras);
  const env = useInvoke((s) => activeEnvironment(s));
  const update = (id: number, patch: { key?: string; value?: string }): void =>
    useInvoke.setState((s) => ({ extras: s.extras.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
  const remove = (id: number): void => useInvoke.setState((s) => ({ extras: s.extras.filter((r) => r.id !== id) }));
  const defaults = Object.entries(env?.extraDefaults ?? {}).filter(([k]) => !extras.some((r) => r.key.trim() === k));
  return (
    <div className="extra-block">
      <div className="field-head">
        <span className="field-label" id="extra-label">
          Extra
        </span>
        <span className="muted small">out-of-band key/value pairs</span>
        <span className="spacer" />
        {env && extras.length > 0 && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => toastFailure(() => saveExtrasAsDefaults())}
          >
            Make defaults of {env.name}
          </button>
        )}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => useInvoke.setState((s) => ({ extras: [...s.extras, extraRow()] }))}
        >
          Add extra
        </button>
      </div>
      {(extras.length > 0 || defaults.length > 0) && (
        <table className="extra-table" aria-labelledby="extra-label">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {defaults.map(([k, v]) => (
              <tr key={`env-${k}`} className="env-default" title={`default of environment ${env?.name}`}>
                <td className="mono">{k}</td>
                <td className="mono">{v}</td>
                <td className="muted small">{env?.name}</td>
              </tr>
            ))}
            {extras.map((r, i) => (
              <tr key={r.id}>
                <td>
                  <input
                    className="input input-small mono"
                    aria-label={`Extra key ${i + 1}`}
                    value={r.key}
                    placeholder="name"
                    spellCheck={false}
                    onChange={(e) => update(r.id, { key: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    className="input input-small mono"
                    aria-label={`Extra value ${i + 1}`}
                    value={r.value}
                    placeholder="value"
                    spellCheck={false}
                    onChange={(e) => update(r.id, { value: e.target.value })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={`Remove extra ${i + 1}`}
                    onClick={() => remove(r.id)}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function EnvironmentPicker() {
  const environments = useInvoke((s) => s.environments);
  const active = useInvoke((s) => s.activeEnvironment);
  const act = (f: () => Promise<unknown>): void => toastFailure(f);
  const NEW = '__new__';
  return (
    <label className="env-picker small">
      <span className="muted">Environment</span>
      <select
        className="input input-small"
        value={active ?? ''}
        onChange={(e) => {
          const v = e.target.value;
          if (v === NEW) {
            openDialog({
              kind: 'prompt',
              title: 'New environment',
              label: 'Name',
              initial: environments.length ? `env${environments.length + 1}` : 'local',
              submit: (name) => setEnvironments([...environments, { name, variables: {}, extraDefaults: {} }], name),
            });
          } else act(() => setEnvironments(environments, v || undefined));
        }}
      >
        <option value="">none</option>
        {environments.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
          </option>
        ))}
        <option value={NEW}>New environment…</option>
      </select>
    </label>
  );
}
