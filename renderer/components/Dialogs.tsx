import { useState } from 'react';
import { dirtyFiles, keepEditing, openProject, reloadFromDisk, saveFile } from '../actions/project.js';
import { host, NO_PROJECTS, useHost } from '../stores/host.js';
import { baseName, useProject } from '../stores/project.js';
import { closeDialog, toast, useUi, type Dialog as DialogState, toastFailure } from '../stores/ui.js';
import { ConflictDiff } from './ConflictDiff.js';
import { Dialog } from './Dialog.js';
import { FolderBrowser, useFolderListing } from './FolderBrowser.js';
import { messageOf } from '../../shared/message-of.js';
import { AttachDialog } from '../attach/AttachDialog.js';

/** Whichever dialog is open: open project, a name prompt, a text to copy, or a save conflict. */
export function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  const conflict = useProject((s) => s.conflict);
  return (
    <>
      {dialog?.kind === 'open-project' && <OpenProjectDialog />}
      {dialog?.kind === 'prompt' && <PromptDialog dialog={dialog} />}
      {dialog?.kind === 'attach' && <AttachDialog />}
      {dialog?.kind === 'text' && (
        <Dialog
          title={dialog.title}
          onClose={closeDialog}
          actions={
            <button className="btn" onClick={closeDialog}>
              Close
            </button>
          }
        >
          <textarea className="input mono" readOnly rows={6} value={dialog.text} onFocus={(e) => e.target.select()} />
        </Dialog>
      )}
      {conflict && <ConflictDialog path={conflict.path} message={conflict.message} />}
    </>
  );
}

function OpenProjectDialog() {
  const recent = useHost((s) => s.app?.recentProjects) ?? NO_PROJECTS;
  const current = useProject((s) => s.snapshot?.root);
  const [path, setPath] = useState(current ?? recent[0] ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [browsing, setBrowsing] = useState(false);
  const native = useHost((s) => s.app?.mode === 'electron');
  /** Electron: the platform's folder chooser; the browser: the host's folders listed here. */
  const browse = async (): Promise<void> => {
    const picked = native ? await host.call('project.pickFolder', {}) : undefined;
    if (!picked?.supported) setBrowsing((b) => !b);
    else if (picked.path) setPath(picked.path);
  };
  const { listing, error: browseError } = useFolderListing(path);
  const submit = async (p: string): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await openProject(p.trim());
      closeDialog();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Open project"
      onClose={closeDialog}
      actions={
        <>
          <button type="button" className="btn" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" form="open-project-form" className="btn btn-primary" disabled={busy || !path.trim()}>
            {busy ? 'Opening…' : 'Open'}
          </button>
        </>
      }
    >
      <form id="open-project-form" onSubmit={(e) => (e.preventDefault(), void submit(path))}>
        <label className="field-label" htmlFor="project-path">
          Folder or services.xml (path on the host machine)
        </label>
        <div className="path-row">
          <input
            id="project-path"
            className="input mono"
            autoFocus
            spellCheck={false}
            list="project-path-folders"
            autoComplete="off"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/me/my-cluster"
          />
          <button type="button" className="btn" aria-expanded={browsing} onClick={() => toastFailure(browse)}>
            Browse…
          </button>
        </div>
        <datalist id="project-path-folders">
          {listing?.folders.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {browsing && <FolderBrowser listing={listing} error={browseError} onNavigate={setPath} />}
        {error && (
          <p className="error-text small" role="alert">
            {error}
          </p>
        )}
      </form>
      {dirtyFiles().length > 0 && (
        <p className="warn-text small">
          Unsaved changes in {dirtyFiles().map(baseName).join(', ')} are saved before the current project closes.
        </p>
      )}
      {recent.length > 0 && (
        <>
          <h3 className="section-title">Recent projects</h3>
          <ul className="plain-list">
            {recent.map((p) => (
              <li key={p}>
                <button type="button" className="link mono" onClick={() => void submit(p)}>
                  {p}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}

function PromptDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'prompt' }> }) {
  const [value, setValue] = useState(dialog.initial);
  const submit = async (): Promise<void> => {
    try {
      await dialog.submit(value.trim());
      closeDialog();
    } catch (e) {
      toast(messageOf(e), 'error');
    }
  };
  return (
    <Dialog
      title={dialog.title}
      onClose={closeDialog}
      actions={
        <>
          <button type="button" className="btn" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" form="prompt-form" className="btn btn-primary" disabled={!value.trim()}>
            OK
          </button>
        </>
      }
    >
      <form id="prompt-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
        <label className="field-label" htmlFor="prompt-input">
          {dialog.label}
        </label>
        <input id="prompt-input" className="input" autoFocus value={value} onChange={(e) => setValue(e.target.value)} />
      </form>
    </Dialog>
  );
}

/** A save was refused because the file changed on disk: three ways out, none loses the user's text. */
function ConflictDialog({ path, message }: { path: string; message: string }) {
  const act = (f: () => Promise<unknown>): void => toastFailure(f);
  return (
    <Dialog
      className="dialog-wide"
      title={`${baseName(path)} changed on disk`}
      onClose={keepEditing}
      describedBy="conflict-text"
      actions={
        <>
          <button type="button" className="btn" onClick={keepEditing}>
            Keep editing
          </button>
          <button type="button" className="btn" onClick={() => act(() => reloadFromDisk(path))}>
            Reload from disk
          </button>
          <button type="button" className="btn btn-danger" onClick={() => act(() => saveFile(path, 'overwrite'))}>
            Overwrite
          </button>
        </>
      }
    >
      <p id="conflict-text">
        Someone changed <span className="mono">{path}</span> since the editor read it, so saving was refused.
      </p>
      <p className="muted small">{message}</p>
      <ConflictDiff
        path={path}
        onTakeTheirs={() => act(() => reloadFromDisk(path))}
        onKeepMine={() => act(() => saveFile(path, 'overwrite'))}
      />
      <ul className="small">
        <li>
          <strong>Keep mine</strong> (Overwrite) saves your text over the version on disk.
        </li>
        <li>
          <strong>Take theirs</strong> (Reload from disk) shows the disk version; your text stays one Undo (Ctrl+Z)
          away.
        </li>
        <li>
          <strong>Keep editing</strong> changes nothing; save again when ready.
        </li>
      </ul>
    </Dialog>
  );
}
