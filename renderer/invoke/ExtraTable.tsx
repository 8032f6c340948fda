import { saveExtrasAsDefaults } from '../actions/invoke.js';
import { activeEnvironment, extraRow, useInvoke } from '../stores/invoke.js';
import { toastFailure } from '../stores/ui.js';

/** The call's extra (out-of-band key/value pairs), under the active environment's defaults. */
export function ExtraTable() {
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
