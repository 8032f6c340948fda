import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons, right-aligned at the bottom. */
  actions?: ReactNode;
  describedBy?: string;
  /** Extra classes, e.g. `dialog-wide` for a dialog that shows a diff. */
  className?: string;
}

/** A modal dialog (the native <dialog>: focus trap, Escape, backdrop). */
export function Dialog({ title, onClose, children, actions, describedBy, className }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-label={title}
      aria-describedby={describedBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 className="dialog-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      {actions && <div className="dialog-actions">{actions}</div>}
    </dialog>
  );
}

/** The one action of a dialog that only shows things: Close. */
export function CloseAction({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" className="btn" onClick={onClose}>
      Close
    </button>
  );
}
