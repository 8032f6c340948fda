import { useEffect, useRef, useState } from 'react';
import { modelFor } from '../editor/documents.js';
import { monaco } from '../monaco/setup.js';
import { host } from '../stores/host.js';

interface Props {
  path: string;
  onTakeTheirs: () => void;
  onKeepMine: () => void;
}

/**
 * The file on disk (theirs, left) against the editor's text (mine, right) in Monaco's diff
 * editor, read-only: the user sees what each choice keeps before making it.
 */
export function ConflictDiff({ path, onTakeTheirs, onKeepMine }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const mine = modelFor(path);
    if (!mine) return;
    const diff = monaco.editor.createDiffEditor(hostRef.current!, {
      automaticLayout: true,
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 12,
    });
    let theirs: monaco.editor.ITextModel | null = null;
    let closed = false;
    host
      .call('file.read', { path })
      .then((file) => {
        if (closed) return;
        // No URI: this copy of the disk text must not meet the project's models (compile, markers).
        theirs = monaco.editor.createModel(file.text, mine.getLanguageId());
        diff.setModel({ original: theirs, modified: mine });
        // Open on the first difference, not on line 1.
        const shown = diff.onDidUpdateDiff(() => {
          const first = diff.getLineChanges()?.[0];
          if (!first) return;
          shown.dispose();
          diff.getModifiedEditor().revealLineInCenter(Math.max(1, first.modifiedStartLineNumber));
        });
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      closed = true;
      diff.setModel(null);
      diff.dispose();
      theirs?.dispose();
    };
  }, [path]);
  return (
    <div className="conflict-diff">
      <div className="conflict-diff-heads">
        <span>
          Theirs (on disk){' '}
          <button type="button" className="btn btn-small" onClick={onTakeTheirs}>
            Take theirs
          </button>
        </span>
        <span>
          Mine (editor){' '}
          <button type="button" className="btn btn-small" onClick={onKeepMine}>
            Keep mine
          </button>
        </span>
      </div>
      <div ref={hostRef} className="conflict-diff-editor" role="region" aria-label="Differences" />
      {error && (
        <p className="error-text small" role="alert">
          Could not read the disk version: {error}
        </p>
      )}
    </div>
  );
}
