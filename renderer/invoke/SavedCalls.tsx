import { useState } from 'react';
import type { SavedCall } from '../../shared/console-api/index.js';
import { baseNameOf, folderOf } from '../../shared/collections/names.js';
import {
  deleteSavedCall,
  duplicateSavedCall,
  renameSavedCall,
  restoreCall,
  runSavedCall,
  saveCurrentCall,
} from '../actions/invoke.js';
import { Dialog } from '../components/Dialog.js';
import { useInvoke, type SavedCallDialog } from '../stores/invoke.js';
import { toastFailure } from '../stores/ui.js';

const openDialog = (savedDialog: SavedCallDialog): void => useInvoke.setState({ savedDialog });

/**
 * Saved calls, in folders (a name `orders/eu/create` sits in folder `orders/eu`): put one back
 * into the form, run it, rename, duplicate or delete it.
 */
export function SavedList() {
  const saved = useInvoke((s) => s.saved);
  if (saved.length === 0)
    return (
      <p className="muted small pad">
        No saved calls. “Save call” keeps the form as a JSON file in the project's workspace folder; a name with / makes
        folders.
      </p>
    );
  // The host lists them in name order, part by part: a folder's calls come together.
  const rows: ({ folder: string } | { call: SavedCall })[] = [];
  let folder = '';
  for (const call of saved) {
    const f = folderOf(call.name);
    if (f !== folder && f !== '') rows.push({ folder: f });
    folder = f;
    rows.push({ call });
  }
  return (
    <ul className="plain-list saved-list" aria-label="Saved calls">
      {rows.map((r) =>
        'folder' in r ? (
          <li key={`folder:${r.folder}`} className="saved-folder" aria-label={`Folder ${r.folder}`}>
            <span aria-hidden="true">▾ </span>
            {r.folder}/
          </li>
        ) : (
          <SavedItem key={r.call.name} call={r.call} />
        ),
      )}
    </ul>
  );
}

function SavedItem({ call }: { call: SavedCall }) {
  const depth = call.name.split('/').length - 1;
  const actions = [
    { verb: 'Run', icon: '▶', run: () => toastFailure(() => runSavedCall(call)) },
    { verb: 'Rename', icon: '✎', run: () => openDialog({ kind: 'rename', name: call.name }) },
    { verb: 'Duplicate', icon: '⊕', run: () => openDialog({ kind: 'duplicate', name: call.name }) },
    { verb: 'Delete', icon: '✕', run: () => toastFailure(() => deleteSavedCall(call.name)) },
  ];
  return (
    <li className="saved-item" style={{ paddingLeft: depth * 14 }}>
      <button
        type="button"
        className="row-button"
        aria-label={`${call.name} ${call.interface}.${call.method}`}
        title="Put this call into the form"
        onClick={() => restoreCall(call)}
      >
        <strong>{baseNameOf(call.name)}</strong>
        <span className="mono muted small">
          {call.interface}.{call.method}
        </span>
      </button>
      {actions.map((a) => (
        <button
          key={a.verb}
          type="button"
          className="btn btn-small btn-ghost"
          aria-label={`${a.verb} saved call ${call.name}`}
          title={a.verb}
          onClick={a.run}
        >
          {a.icon}
        </button>
      ))}
    </li>
  );
}

const TITLES = { save: 'Save call', rename: 'Rename saved call', duplicate: 'Duplicate saved call' } as const;

/**
 * Saving the form, renaming or duplicating a saved call: one name field. Errors (a bad name, a
 * name taken) are shown here, not in a toast; saving over an existing call asks first.
 */
export function SavedCallDialogs() {
  const dialog = useInvoke((s) => s.savedDialog);
  return dialog ? <NameDialog key={JSON.stringify(dialog)} dialog={dialog} /> : null;
}

function NameDialog({ dialog }: { dialog: SavedCallDialog }) {
  const saved = useInvoke((s) => s.saved);
  const selected = useInvoke((s) => s.selected);
  const initial =
    dialog.kind === 'save' ? (selected?.method ?? '') : dialog.kind === 'rename' ? dialog.name : `${dialog.name} copy`;
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<string | null>(null);
  const close = (): void => useInvoke.setState({ savedDialog: null });
  const trimmed = name.trim();
  const exists = saved.some((c) => c.name === trimmed);
  const submit = async (): Promise<void> => {
    setError(null);
    try {
      if (dialog.kind === 'save') {
        if (exists && replacing !== trimmed) {
          setReplacing(trimmed);
          return;
        }
        await saveCurrentCall(trimmed);
      } else if (dialog.kind === 'rename') {
        if (trimmed !== dialog.name) await renameSavedCall(dialog.name, trimmed);
      } else await duplicateSavedCall(dialog.name, trimmed);
      close();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const asking = dialog.kind === 'save' && replacing === trimmed && exists;
  return (
    <Dialog
      title={TITLES[dialog.kind]}
      onClose={close}
      actions={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="saved-call-form" className="btn btn-primary" disabled={!trimmed}>
            {asking ? 'Replace' : 'OK'}
          </button>
        </>
      }
    >
      <form id="saved-call-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
        <label className="field-label" htmlFor="saved-call-name">
          Name
        </label>
        <input
          id="saved-call-name"
          className="input"
          autoFocus
          value={name}
          spellCheck={false}
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
        />
        <span className="muted small">A / makes folders: orders/create</span>
        {asking && (
          <div className="banner banner-warn" role="alert">
            A saved call named “{trimmed}” exists. Replace it with this one?
          </div>
        )}
        {error && (
          <div className="error-text small" role="alert">
            {error}
          </div>
        )}
      </form>
    </Dialog>
  );
}
