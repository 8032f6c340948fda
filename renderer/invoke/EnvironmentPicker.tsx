import { useState } from 'react';
import { setEnvironments } from '../actions/invoke.js';
import { useInvoke } from '../stores/invoke.js';
import { openDialog, toastFailure } from '../stores/ui.js';
import { EnvironmentsDialog } from './EnvironmentsDialog.js';

/** Chooses the active environment, or creates one; Edit environments opens the editor. */
export function EnvironmentPicker() {
  const [editing, setEditing] = useState(false);
  const environments = useInvoke((s) => s.environments);
  const active = useInvoke((s) => s.activeEnvironment);
  const act = (f: () => Promise<unknown>): void => toastFailure(f);
  const NEW = '__new__';
  return (
    <div className="env-picker-wrap">
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
          <option value="">No environment</option>
          {environments.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name}
            </option>
          ))}
          <option value={NEW}>New environment…</option>
        </select>
      </label>
      <button
        type="button"
        className="btn btn-small btn-ghost env-edit"
        aria-label="Edit environments"
        title="Edit environments: variables and secrets"
        onClick={() => setEditing(true)}
      >
        ⚙
      </button>
      {editing && <EnvironmentsDialog onClose={() => setEditing(false)} />}
    </div>
  );
}
