import { useEffect, useRef } from 'react';
import type { InvokeResult } from '../../shared/console-api/index.js';
import { deleteSavedCall, restoreCall } from '../actions/invoke.js';
import { JsonTree } from '../components/JsonTree.js';
import { useInvoke, type CallRow } from '../stores/invoke.js';
import { toastFailure } from '../stores/ui.js';

const MODE_LABEL = { twoway: 'two-way', oneway: 'one-way', async: 'async' } as const;
const time = (t: number): string => new Date(t).toLocaleTimeString(undefined, { hour12: false });

/** Invocations of this session, newest first; pending ones show as such until their result. */
export function CallList() {
  const calls = useInvoke((s) => s.calls);
  const list = useRef<HTMLOListElement>(null);
  const newest = calls[0]?.id;
  // A new call scrolls its row into view: the result is what the user waits for.
  useEffect(() => {
    // Braces: Chromium's scrollIntoView returns a promise, which must not become the effect's cleanup.
    list.current?.firstElementChild?.scrollIntoView({ block: 'nearest' });
  }, [newest]);
  if (calls.length === 0)
    return (
      <p className="muted small pad">
        Results of your calls appear here. Choose a method and press Invoke (Ctrl+Enter).
      </p>
    );
  return (
    <ol className="call-list" aria-label="Results" ref={list}>
      {calls.map((c) => (
        <CallItem key={c.id} call={c} />
      ))}
    </ol>
  );
}

function CallItem({ call }: { call: CallRow }) {
  const { request, result, failure } = call;
  const status = failure ? 'failed' : !result ? 'pending' : result.ok ? 'ok' : 'error';
  return (
    <li
      className={`call call-${status}`}
      aria-label={`Call ${call.id}: ${request.interface}.${request.method} ${status}`}
      aria-busy={status === 'pending'}
    >
      <div className="call-head">
        <span className={`status-pill status-${status}`}>
          {status === 'ok' ? 'OK' : status === 'pending' ? 'pending…' : status === 'error' ? 'TCE error' : 'failed'}
        </span>
        <span className="mono call-name">
          {request.interface}.{request.method}
        </span>
        <span className="muted small">{MODE_LABEL[request.mode]}</span>
        <span className="spacer" />
        <span className="muted small">{time(call.started)}</span>
      </div>
      {result && <ResultBody result={result} />}
      {failure && <div className="error-text small">{failure}</div>}
    </li>
  );
}

function ResultBody({ result }: { result: InvokeResult }) {
  return (
    <>
      <dl className="metrics">
        {result.sequence !== undefined && <Metric name="sequence" value={String(result.sequence)} />}
        <Metric name="latency" value={`${result.latencyMs.toFixed(1)} ms`} />
        {result.requestSize !== undefined && <Metric name="request" value={`${result.requestSize} B`} />}
        {result.ok && <Metric name="response" value={`${result.responseSize} B`} />}
      </dl>
      {result.ok ? (
        <div className="call-value" aria-label="Result value">
          {result.value === null ? (
            <span className="muted small">null (void or one-way)</span>
          ) : (
            <JsonTree value={result.value} label="Result value" />
          )}
          {Object.keys(result.extra).length > 0 && (
            <div className="muted small">
              extra:{' '}
              {Object.entries(result.extra)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}
            </div>
          )}
        </div>
      ) : (
        <div className="call-error" role="alert">
          <strong>
            {result.error.codeName} ({result.error.code})
          </strong>
          : {result.error.reason}
        </div>
      )}
    </>
  );
}

export function HistoryList() {
  const history = useInvoke((s) => s.history);
  if (history.length === 0) return <p className="muted small pad">No calls in this project's history yet.</p>;
  return (
    <ul className="plain-list history-list" aria-label="History">
      {history.map((h, i) => (
        <li key={`${h.time}-${i}`}>
          <button
            type="button"
            className="row-button"
            onClick={() => restoreCall(h.request)}
            title="Put this call back into the form"
          >
            <span className={`status-pill status-${h.result.ok ? 'ok' : 'error'}`}>
              {h.result.ok ? 'OK' : h.result.error.codeName}
            </span>
            <span className="mono">
              {h.request.interface}.{h.request.method}
            </span>
            <span className="muted small">{MODE_LABEL[h.request.mode]}</span>
            <span className="spacer" />
            <span className="muted small">{time(h.time)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function SavedList() {
  const saved = useInvoke((s) => s.saved);
  if (saved.length === 0)
    return (
      <p className="muted small pad">
        No saved calls. “Save call” keeps the form as a JSON file in the project's workspace folder.
      </p>
    );
  return (
    <ul className="plain-list" aria-label="Saved calls">
      {saved.map((c) => (
        <li key={c.name} className="saved-item">
          <button type="button" className="row-button" onClick={() => restoreCall(c)}>
            <strong>{c.name}</strong>
            <span className="mono muted small">
              {c.interface}.{c.method}
            </span>
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Delete saved call ${c.name}`}
            onClick={() => toastFailure(() => deleteSavedCall(c.name))}
          >
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}

/** One name/value pair of a result, kept on one line. */
function Metric({ name, value }: { name: string; value: string }) {
  return (
    <div className="metric">
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
