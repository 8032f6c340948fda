import { useHost } from '../stores/host.js';
import { useFeed } from '../stores/feed.js';
import { useProject } from '../stores/project.js';
import { useUi } from '../stores/ui.js';
import { useProblems } from '../panels/ProjectPanel.js';
import { openFileAt } from '../actions/project.js';
import { AttachStatus } from '../attach/AttachStatus.js';

/** Host link, project, connections, broker, sandbox, problems and the feed's drop counter. */
export function StatusBar() {
  const link = useHost((s) => s.link);
  const app = useHost((s) => s.app);
  const connections = useHost((s) => s.connections);
  const sandbox = useHost((s) => s.sandbox);
  const lastLog = useHost((s) => s.log[s.log.length - 1]);
  const snapshot = useProject((s) => s.snapshot);
  const dropped = useFeed((s) => s.dropped);
  const received = useFeed((s) => s.received);
  const paused = useFeed((s) => s.paused);
  const toastMsg = useUi((s) => s.toast);
  const problems = useProblems(snapshot);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  const conns = Object.values(connections);
  const open = conns.filter((c) => c.state.state === 'open').length;
  const broker =
    sandbox.state === 'running' ? (sandbox.broker.kind === 'memory' ? 'in-memory broker' : 'RabbitMQ') : '—';

  return (
    <footer className="status-bar" aria-label="Status">
      <span
        className={`status-item link-${link.state}`}
        title={link.state === 'closed' || link.state === 'refused' ? link.reason : 'connected to the console host'}
      >
        <span
          className={`dot dot-${link.state === 'open' ? 'ok' : link.state === 'connecting' ? 'warn' : 'bad'}`}
          aria-hidden="true"
        />
        {link.state === 'open'
          ? `host (${app?.mode ?? '…'})`
          : link.state === 'connecting'
            ? 'connecting to host…'
            : link.state === 'refused'
              ? 'host refused this page'
              : `host disconnected${link.retryMs ? ', retrying' : ''}`}
      </span>
      {snapshot && <span className="status-item">{snapshot.name}</span>}
      <button
        type="button"
        className={`status-item status-button ${errors ? 'error-text' : ''}`}
        onClick={() => {
          const first = problems[0];
          if (first) openFileAt(first.range.file, first.range.start.line, first.range.start.column);
        }}
        title="Go to the first problem"
      >
        ⨯ {errors} ⚠ {warnings}
      </button>
      <span
        className="status-item"
        title={conns.map((c) => `${c.url}: ${c.state.state}`).join('\n') || 'no connections'}
      >
        connections {open}/{conns.length}
      </span>
      <span className="status-item">broker: {broker}</span>
      <span className={`status-item sandbox-${sandbox.state}`}>sandbox: {sandbox.state}</span>
      <AttachStatus />
      <span className={`status-item ${dropped ? 'error-text' : ''}`} aria-label="Feed counters">
        feed{paused ? ' (paused)' : ''}: {received.toLocaleString('en-US')} received · dropped{' '}
        {dropped.toLocaleString('en-US')}
      </span>
      <span className="status-spacer" />
      {toastMsg ? (
        <span className={`status-item toast toast-${toastMsg.level}`} role="status">
          {toastMsg.text}
        </span>
      ) : (
        lastLog && (
          <span className={`status-item status-log log-${lastLog.level}`} title={lastLog.message}>
            {lastLog.message}
          </span>
        )
      )}
    </footer>
  );
}
