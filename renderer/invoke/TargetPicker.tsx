import type { ConnectionState, TargetSpec } from '../../shared/console-api/index.js';
import { connectTarget } from '../actions/invoke.js';
import { host, useHost } from '../stores/host.js';
import { useInvoke } from '../stores/invoke.js';
import { useProject } from '../stores/project.js';
import { toastFailure } from '../stores/ui.js';
import { callableEndpoints, connectionFor, endpointUrl, sandboxUrl } from './targets.js';

const AD_HOC = '__url__';

export function stateLabel(state: ConnectionState | undefined): { text: string; tone: 'ok' | 'warn' | 'bad' | 'off' } {
  switch (state?.state) {
    case 'open':
      return { text: 'connected', tone: 'ok' };
    case 'connecting':
      return { text: state.attempt > 1 ? `connecting (attempt ${state.attempt})` : 'connecting', tone: 'warn' };
    case 'retrying':
      return { text: `retrying in ${Math.round(state.delayMs / 100) / 10} s: ${state.lastError}`, tone: 'bad' };
    case 'closed':
      return { text: `closed: ${state.reason}`, tone: 'bad' };
    default:
      return { text: 'not connected (connects on invoke)', tone: 'off' };
  }
}

/** Where calls go: an endpoint of the project or an ad-hoc URL, with its connection's state. */
export function TargetPicker() {
  const snapshot = useProject((s) => s.snapshot);
  const target = useInvoke((s) => s.target);
  const adHocUrl = useInvoke((s) => s.adHocUrl);
  const connections = useHost((s) => s.connections);
  const sandbox = useHost((s) => s.sandbox);
  const endpoints = callableEndpoints(snapshot);
  const conn = connectionFor(connections, target);
  const label = stateLabel(conn?.state);
  const value = !target ? '' : target.kind === 'endpoint' ? target.endpoint : AD_HOC;

  const choose = (v: string): void => {
    const next: TargetSpec | null =
      v === '' ? null : v === AD_HOC ? { kind: 'url', url: adHocUrl } : { kind: 'endpoint', endpoint: v };
    useInvoke.setState({ target: next });
  };
  const act = (f: () => Promise<unknown>): void => toastFailure(f);

  return (
    <div className="target-picker">
      <div className="field-row">
        <label className="field-label" htmlFor="target-select">
          Target
        </label>
        <select id="target-select" className="input" value={value} onChange={(e) => choose(e.target.value)}>
          <option value="">Choose a target…</option>
          {endpoints.length > 0 && (
            <optgroup label="Project endpoints">
              {endpoints.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name} — {sandboxUrl(snapshot, sandbox, e) ?? endpointUrl(e)}
                </option>
              ))}
            </optgroup>
          )}
          <option value={AD_HOC}>Ad-hoc URL…</option>
        </select>
      </div>
      {target?.kind === 'url' && (
        <div className="field-row">
          <label className="field-label" htmlFor="target-url">
            URL
          </label>
          <input
            id="target-url"
            className="input mono"
            value={adHocUrl}
            spellCheck={false}
            placeholder="tcp://host:port, ws://host:port, amqp://user:pass@host/queue"
            onChange={(e) =>
              useInvoke.setState({ adHocUrl: e.target.value, target: { kind: 'url', url: e.target.value } })
            }
          />
        </div>
      )}
      {target && (
        <div className="conn-line">
          <span className={`dot dot-${label.tone}`} aria-hidden="true" />
          <span className="small" aria-label="Connection state">
            {label.text}
          </span>
          {conn?.pushInterfaces.length ? (
            <span className="muted small push-note" title={`receives pushes for ${conn.pushInterfaces.join(', ')}`}>
              · pushes: {conn.pushInterfaces.join(', ')}
            </span>
          ) : null}
          <span className="spacer" />
          {conn && conn.state.state !== 'closed' ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => act(() => host.call('connection.close', { id: conn.id }))}
            >
              Disconnect
            </button>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => act(() => connectTarget(target))}>
              Connect
            </button>
          )}
        </div>
      )}
    </div>
  );
}
