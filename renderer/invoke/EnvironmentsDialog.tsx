import { useEffect, useRef, useState } from 'react';
import type { Environment } from '../../shared/console-api/index.js';
import { setEnvironments } from '../actions/invoke.js';
import { Dialog, CloseAction } from '../components/Dialog.js';
import { host } from '../stores/host.js';
import { useInvoke } from '../stores/invoke.js';

interface Row {
  id: number;
  key: string;
  value: string;
}

let rowSeq = 0;
const rowsOf = (record: Record<string, string>): Row[] =>
  Object.entries(record).map(([key, value]) => ({ id: ++rowSeq, key, value }));
const recordOf = (rows: Row[]): Record<string, string> =>
  Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value]));

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The environments editor: create, rename, delete; each environment's variables (`{{name}}` in
 * targets and extras); the project's secrets, which live outside the project and are shown
 * masked (the host never sends their values). Saving makes the edited environment the active
 * one. Errors stay in the dialog. `environments.json` edited on disk meanwhile updates the list.
 */
export function EnvironmentsDialog({ onClose }: { onClose: () => void }) {
  const environments = useInvoke((s) => s.environments);
  const active = useInvoke((s) => s.activeEnvironment);
  const [editing, setEditing] = useState<string | null>(active ?? environments[0]?.name ?? null);
  const current = environments.find((e) => e.name === editing);
  const [name, setName] = useState(current?.name ?? '');
  const [rows, setRows] = useState<Row[]>(rowsOf(current?.variables ?? {}));
  const [error, setError] = useState<string | null>(null);
  const [secrets, setSecrets] = useState<string[]>([]);
  const [secretName, setSecretName] = useState('');
  const [secretValue, setSecretValue] = useState('');

  // Another environment chosen, or its stored content changed (on disk, or in another window):
  // the form shows what is stored. The same content arriving again (our own save, echoed by the
  // file watcher) leaves the user's typing alone.
  const loaded = useRef<string | undefined>(undefined);
  useEffect(() => {
    const e = environments.find((x) => x.name === editing);
    const stored = JSON.stringify([editing, e?.variables]);
    if (stored === loaded.current) return;
    loaded.current = stored;
    setName(e?.name ?? '');
    setRows(rowsOf(e?.variables ?? {}));
  }, [editing, environments]);
  const loadSecrets = (): void =>
    void host.call('workspace.secretNames', {}).then(setSecrets, (e: unknown) => setError(message(e)));
  useEffect(loadSecrets, []);

  const attempt = async (f: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(message(e));
    }
  };
  const create = (): Promise<void> =>
    attempt(async () => {
      let n = environments.length + 1;
      while (environments.some((e) => e.name === `env${n}`)) n++;
      const fresh: Environment = { name: `env${n}`, variables: {}, extraDefaults: {} };
      await setEnvironments([...environments, fresh], active);
      setEditing(fresh.name);
    });
  const save = (): Promise<void> =>
    attempt(async () => {
      if (!current) return;
      const newName = name.trim();
      if (!newName) throw new Error('an environment needs a name');
      if (newName !== current.name && environments.some((e) => e.name === newName))
        throw new Error(`there is already an environment named "${newName}"`);
      const next = environments.map((e) => (e === current ? { ...e, name: newName, variables: recordOf(rows) } : e));
      await setEnvironments(next, newName);
      setEditing(newName);
    });
  const remove = (): Promise<void> =>
    attempt(async () => {
      if (!current) return;
      const next = environments.filter((e) => e !== current);
      await setEnvironments(next, active === current.name ? undefined : active);
      setEditing(next[0]?.name ?? null);
    });
  const setSecret = (secret: string, value: string | null): Promise<void> =>
    attempt(async () => {
      if (!/^[\w.-]+$/.test(secret)) throw new Error('a secret name is letters, digits, _ . - only');
      await host.call('workspace.setSecret', { name: secret, value });
      setSecretName('');
      setSecretValue('');
      loadSecrets();
    });
  const update = (id: number, patch: Partial<Row>): void =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  return (
    <Dialog title="Environments" onClose={onClose} actions={<CloseAction onClose={onClose} />}>
      <div className="env-editor">
        <div className="env-list" role="listbox" aria-label="Environments">
          {environments.map((e) => (
            <div
              key={e.name}
              role="option"
              tabIndex={0}
              aria-selected={e.name === editing}
              className={`env-item ${e.name === editing ? 'selected' : ''}`}
              onClick={() => setEditing(e.name)}
              onKeyDown={(k) => (k.key === 'Enter' || k.key === ' ') && setEditing(e.name)}
            >
              {e.name}
              {e.name === active && <span className="muted small"> · active</span>}
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={() => void create()}>
            New environment
          </button>
        </div>
        <div className="env-form">
          {current ? (
            <>
              <label className="field-label" htmlFor="env-name">
                Environment name
              </label>
              <input id="env-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
              <div className="field-head">
                <span className="field-label">Variables</span>
                <span className="muted small">{'{{name}}'} in targets and extras</span>
                <span className="spacer" />
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setRows((rs) => [...rs, { id: ++rowSeq, key: '', value: '' }])}
                >
                  Add variable
                </button>
              </div>
              {rows.map((r, i) => (
                <div key={r.id} className="env-row">
                  <input
                    className="input input-small mono"
                    aria-label={`Variable name ${i + 1}`}
                    value={r.key}
                    spellCheck={false}
                    onChange={(e) => update(r.id, { key: e.target.value })}
                  />
                  <input
                    className="input input-small mono"
                    aria-label={`Variable value ${i + 1}`}
                    value={r.value}
                    spellCheck={false}
                    onChange={(e) => update(r.id, { value: e.target.value })}
                  />
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={`Remove variable ${i + 1}`}
                    onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))}
                  >
                    ✕
                  </button>
                </div>
              ))}
              <div className="button-row">
                <button type="button" className="btn btn-primary" onClick={() => void save()}>
                  Save environment
                </button>
                <span className="spacer" />
                <button type="button" className="btn" onClick={() => void remove()}>
                  Delete environment
                </button>
              </div>
            </>
          ) : (
            <p className="muted small">No environments yet: “New environment” makes one.</p>
          )}
          <div className="field-head">
            <span className="field-label">Secrets of this project</span>
            <span className="muted small">kept outside the project, never shown</span>
          </div>
          {secrets.map((s) => (
            <div key={s} className="env-row">
              <span className="mono">{s}</span>
              <span className="mono muted" aria-label={`Secret ${s} value`}>
                ••••••••
              </span>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                aria-label={`Remove secret ${s}`}
                onClick={() => void setSecret(s, null)}
              >
                ✕
              </button>
            </div>
          ))}
          <form
            className="env-row"
            onSubmit={(e) => {
              e.preventDefault();
              void setSecret(secretName.trim(), secretValue);
            }}
          >
            <input
              className="input input-small mono"
              aria-label="Secret name"
              placeholder="name"
              value={secretName}
              onChange={(e) => setSecretName(e.target.value)}
            />
            <input
              className="input input-small mono"
              type="password"
              aria-label="Secret value"
              placeholder="value"
              autoComplete="off"
              value={secretValue}
              onChange={(e) => setSecretValue(e.target.value)}
            />
            <button type="submit" className="btn btn-small" disabled={!secretName.trim()}>
              Set secret
            </button>
          </form>
          {error && (
            <div className="error-text small" role="alert">
              {error}
            </div>
          )}
        </div>
      </div>
    </Dialog>
  );
}
