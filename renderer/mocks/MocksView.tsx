import { useState } from 'react';
import type { JsonValue, MockOperation, MockOverride } from '../../shared/console-api/index.js';
import { resolveOperation } from '../../shared/idl/model.js';
import { exampleValue } from '../../shared/wire/example.js';
import { setOverride } from '../actions/mocks.js';
import { useMocks } from '../stores/mocks.js';
import { useProject, workingModel } from '../stores/project.js';
import { messageOf } from '../../shared/message-of.js';

const BEHAVIOUR: Record<MockOperation['behaviour'], string> = {
  example: 'example',
  script: 'script',
  override: 'override',
};

/** The Project panel's Mocks view: every operation the mock back ends answer, how, how often; overrides. */
export function MocksView() {
  const state = useMocks((s) => s.state);
  const [editing, setEditing] = useState<string | null>(null);
  if (!state) return null;
  const key = (o: MockOperation): string => `${o.interface}.${o.method}`;
  return (
    <details open className="tree-section mocks-section">
      <summary>
        Mocks <span className="count">{state.operations.length}</span>
      </summary>
      {state.operations.length === 0 ? (
        <p className="muted small pad">
          No mock back end: the sandbox runs one per config.yml section that reads a queue services.xml routes calls to.
        </p>
      ) : (
        <ul className="mock-list" aria-label="Mock operations">
          {state.operations.map((o) => (
            <li key={key(o)}>
              <button
                type="button"
                className={`row-button mock-row ${editing === key(o) ? 'active' : ''}`}
                aria-expanded={editing === key(o)}
                aria-label={`${key(o)}: ${BEHAVIOUR[o.behaviour]}${o.override?.delayMs ? `, delayed ${o.override.delayMs} ms` : ''}, ${o.calls} call${o.calls === 1 ? '' : 's'}`}
                title={
                  o.script
                    ? `${o.script.key} in ${o.script.file}`
                    : o.behaviour === 'example'
                      ? 'answers the example value of its return type'
                      : undefined
                }
                onClick={() => setEditing(editing === key(o) ? null : key(o))}
              >
                <span className={`mock-behaviour mock-${o.behaviour}`}>{BEHAVIOUR[o.behaviour]}</span>
                <span className="mock-name">
                  {o.interface}.<strong>{o.method}</strong>
                </span>
                <span className="count" title="calls answered">
                  {o.calls}
                </span>
              </button>
              {editing === key(o) && <OverrideEditor op={o} close={() => setEditing(null)} />}
            </li>
          ))}
        </ul>
      )}
      <div className="muted small pad mock-scripts">
        {state.scripts.length === 0
          ? 'No scripts: put handlers in mocks/*.mjs to script answers.'
          : state.scripts.map((s) => (
              <div key={s.file} className={s.loaded ? '' : 'error-text'}>
                {s.file}:{' '}
                {s.loaded
                  ? `${s.handlers.length} handler${s.handlers.length === 1 ? '' : 's'}`
                  : 'does not load (see Problems)'}
              </div>
            ))}
      </div>
    </details>
  );
}

type AnswerKind = 'default' | 'result' | 'error';

/** Sets an operation's override: a fixed JSON result, or an error code and reason, and/or a delay. */
function OverrideEditor({ op, close }: { op: MockOperation; close: () => void }) {
  const model = useProject((s) => workingModel(s));
  const operation = model ? resolveOperation(model, op.interface, op.method)?.op : undefined;
  const current = op.override?.answer;
  const [kind, setKind] = useState<AnswerKind>(current?.kind ?? 'default');
  const example = operation && model ? exampleValue(model, operation.returns) : null;
  const [resultText, setResultText] = useState(
    JSON.stringify(current?.kind === 'result' ? current.value : example, null, 2),
  );
  const [code, setCode] = useState(current?.kind === 'error' ? current.code : 6);
  const [reason, setReason] = useState(current?.kind === 'error' ? (current.reason ?? '') : '');
  const [delay, setDelay] = useState(op.override?.delayMs ?? 0);
  const [error, setError] = useState<string | null>(null);
  const name = `${op.interface}.${op.method}`;
  const defaultLabel = op.script ? `Script (${op.script.file})` : 'Example';

  const save = async (): Promise<void> => {
    const override: MockOverride = {};
    if (kind === 'result') {
      try {
        override.answer = { kind: 'result', value: JSON.parse(resultText) as JsonValue };
      } catch (e) {
        setError(`the result is not valid JSON: ${messageOf(e)}`);
        return;
      }
    } else if (kind === 'error')
      override.answer = { kind: 'error', code, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    if (delay > 0) override.delayMs = delay;
    try {
      await setOverride(op.interface, op.method, override.answer || override.delayMs ? override : null);
      close();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const remove = async (): Promise<void> => {
    try {
      await setOverride(op.interface, op.method, null);
      close();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <div className="override-editor" role="group" aria-label={`Override of ${name}`}>
      <div className="muted small">
        if {op.ifidx} op {op.opidx} · {op.backEnds.join(', ')}
      </div>
      <div role="radiogroup" aria-label="Answer" className="segmented">
        {(
          [
            ['default', defaultLabel],
            ['result', 'Fixed result'],
            ['error', 'Error'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className={`seg ${kind === value ? 'on' : ''}`}>
            <input
              type="radio"
              name={`override-${name}`}
              value={value}
              checked={kind === value}
              onChange={() => setKind(value)}
            />
            {label}
          </label>
        ))}
      </div>
      {kind === 'result' && (
        <label className="override-field">
          <span className="field-label">Result (JSON)</span>
          <textarea
            className="input mono"
            rows={Math.min(8, resultText.split('\n').length + 1)}
            value={resultText}
            spellCheck={false}
            onChange={(e) => setResultText(e.target.value)}
          />
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setResultText(JSON.stringify(example, null, 2))}
          >
            Generate example
          </button>
        </label>
      )}
      {kind === 'error' && (
        <div className="override-row">
          <label className="override-field">
            <span className="field-label">Error code</span>
            <input
              className="input input-small input-num"
              type="number"
              min={1}
              value={code}
              onChange={(e) => setCode(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
            />
          </label>
          <label className="override-field grow">
            <span className="field-label">Reason</span>
            <input
              className="input input-small"
              value={reason}
              placeholder="logged by the back end"
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        </div>
      )}
      <label className="override-field">
        <span className="field-label">Delay (ms)</span>
        <input
          className="input input-small input-num"
          type="number"
          min={0}
          step={100}
          value={delay}
          onChange={(e) => setDelay(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
        />
      </label>
      {error && (
        <div className="error-text small" role="alert">
          {error}
        </div>
      )}
      <div className="button-row">
        <button type="button" className="btn btn-small btn-primary" onClick={() => void save()}>
          Save override
        </button>
        {op.override && (
          <button type="button" className="btn btn-small" onClick={() => void remove()}>
            Remove override
          </button>
        )}
        <button type="button" className="btn btn-small btn-ghost" onClick={close}>
          Cancel
        </button>
      </div>
    </div>
  );
}
