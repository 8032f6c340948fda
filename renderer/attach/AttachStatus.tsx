import { toast } from '../stores/ui.js';
import { hostPort, stopAttachment, useAttach } from './store.js';

/** The status bar's attachments: one item each with its counters, each stoppable. */
export function AttachStatus() {
  const attachments = useAttach((s) => s.attachments);
  return (
    <>
      {attachments.map((a) => (
        <span key={a.id} className="status-item attach-status" aria-label={`${a.kind} ${a.id}`}>
          {a.kind === 'proxy'
            ? `proxy ${hostPort(a.listen)}: ${a.open} open · ${a.frames.toLocaleString('en-US')} frames`
            : `tap ${a.vhost}: ${a.recorded.toLocaleString('en-US')} msgs`}
          <button
            type="button"
            className="attach-stop"
            aria-label={`Stop ${a.kind} ${a.id}`}
            title="Stop"
            onClick={() => void stopAttachment(a).catch((e: unknown) => toast(String(e), 'error'))}
          >
            ×
          </button>
        </span>
      ))}
    </>
  );
}
