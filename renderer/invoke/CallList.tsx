import { useEffect, useMemo, useRef, useState } from 'react';
import type { InvokeResult, JsonValue, TargetSpec } from '../../shared/console-api/index.js';
import { cancelCall, restoreCall } from '../actions/invoke.js';
import { JsonTree } from '../components/JsonTree.js';
import { useInvoke, type CallPush, type CallRow } from '../stores/invoke.js';
import { toast, toastFailure } from '../stores/ui.js';
import { targetLabel } from './targets.js';

const MODE_LABEL = { twoway: 'two-way', oneway: 'one-way', async: 'async' } as const;
const time = (t: number): string => new Date(t).toLocaleTimeString(undefined, { hour12: false });

/** Invocations of this session, newest first; pending ones show as such until their result. */
export function CallList() {
  const calls = useInvoke((s) => s.calls);
  const list = useRef<HTMLOListElement>(null);
  const newest = calls[0]?.id;
  // A new call (the list's first row) scrolls into view: the result is what the user waits for.
  // Only the list's own scroller moves: scrollIntoView would also shift the panel's clipped body.
  useEffect(() => {
    const scroller = list.current?.parentElement;
    if (scroller) scroller.scrollTop = 0;
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
  const { request, result, failure, late } = call;
  const status = failure ? 'failed' : !result ? 'pending' : result.ok ? 'ok' : result.cancelled ? 'cancelled' : 'error';
  return (
    <li
      className={`call call-${status}`}
      aria-label={`Call ${call.id}: ${request.interface}.${request.method} ${status}${late ? ' late reply' : ''}`}
      aria-busy={status === 'pending'}
    >
      <div className="call-head">
        <span className={`status-pill status-${status}`}>{STATUS_LABEL[status]}</span>
        <span className="mono call-name">
          {request.interface}.{request.method}
        </span>
        <span className="muted small">{MODE_LABEL[request.mode]}</span>
        <span className="spacer" />
        {status === 'pending' && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Cancel call ${call.id}`}
            onClick={() => toastFailure(() => cancelCall(call.callId))}
          >
            Cancel
          </button>
        )}
        <span className="muted small">{time(call.started)}</span>
      </div>
      {result ? (
        <ResultBody result={result} target={request.target} pushes={call.pushes} />
      ) : (
        request.target && (
          <dl className="metrics">
            <Metric name="target" value={targetLabel(request.target)} />
          </dl>
        )
      )}
      {late && (
        <div className="late-reply" aria-label="Late reply">
          <span className="status-pill status-late">late reply</span>
          <span className="muted small">
            {' '}
            came {late.latencyMs.toFixed(1)} ms after the call, after it was cancelled
          </span>
          <ResultBody result={late} target={request.target} />
        </div>
      )}
      {failure && <div className="error-text small">{failure}</div>}
    </li>
  );
}

const STATUS_LABEL = {
  ok: 'OK',
  pending: 'pending…',
  error: 'TCE error',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

function ResultBody({
  result,
  target,
  pushes,
}: {
  result: InvokeResult;
  target?: TargetSpec | undefined;
  pushes?: CallPush[] | undefined;
}) {
  if (!result.ok && result.cancelled)
    return (
      <div className="muted small">cancelled after {result.latencyMs.toFixed(1)} ms: the console stopped waiting</div>
    );
  if (!result.ok && result.problems)
    return (
      <ul className="problem-list small" aria-label="Parameter problems">
        {result.problems.map((p, i) => (
          <li key={i}>
            <code className="problem-path">{p.path || '(arguments)'}</code> {p.message}
          </li>
        ))}
      </ul>
    );
  // The value (or the error) and the pushes first: they are what the user waits for; the numbers follow.
  return (
    <>
      {result.ok ? (
        <div className="call-value" aria-label="Result value">
          {result.value !== null && <ValueView value={result.value} label="Result value" />}
          {(result.value === null || Object.keys(result.extra).length > 0) && (
            <div className="muted small">
              {result.value === null && 'no value (void or one-way)'}
              {result.value === null && Object.keys(result.extra).length > 0 && ' · '}
              {Object.keys(result.extra).length > 0 &&
                `extra: ${Object.entries(result.extra)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}`}
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
      {pushes && pushes.length > 0 && <PushList pushes={pushes} />}
      <dl className="metrics">
        {target && <Metric name="target" value={targetLabel(target)} />}
        {result.sequence !== undefined && <Metric name="sequence" value={String(result.sequence)} />}
        <Metric name="latency" value={`${result.latencyMs.toFixed(1)} ms`} />
        {result.requestSize !== undefined && <Metric name="request" value={`${result.requestSize} B`} />}
        {result.ok && <Metric name="response" value={`${result.responseSize} B`} />}
      </dl>
    </>
  );
}

/** Values longer than this (as JSON text) show their beginning until "Show all". */
const LARGE_VALUE = 4000;
const PREVIEW_CHARS = 1500;

/** A decoded value with Copy as JSON; a large one truncated in the card until "Show all". */
function ValueView({ value, label }: { value: JsonValue; label: string }) {
  const [all, setAll] = useState(false);
  const text = useMemo(() => JSON.stringify(value, null, 2), [value]);
  const truncated = text.length > LARGE_VALUE && !all;
  const copy = (): void =>
    void navigator.clipboard.writeText(text).then(
      () => toast('copied the value as JSON'),
      () => toast('the clipboard refused the value', 'error'),
    );
  return (
    <div className="value-view">
      <div className="value-actions">
        <button type="button" className="btn btn-small btn-ghost" aria-label="Copy value as JSON" onClick={copy}>
          Copy JSON
        </button>
      </div>
      {truncated ? (
        <>
          <pre className="value-preview mono small" aria-label={`${label} (truncated)`}>
            {text.slice(0, PREVIEW_CHARS)}…
          </pre>
          <div className="muted small">
            showing {PREVIEW_CHARS.toLocaleString('en-US')} of {text.length.toLocaleString('en-US')} characters{' '}
            <button type="button" className="btn btn-small" onClick={() => setAll(true)}>
              Show all
            </button>
          </div>
        </>
      ) : (
        <JsonTree value={value} label={label} />
      )}
    </div>
  );
}

/** A push's value short enough to stay on its line. */
const INLINE_VALUE = 90;

/** Pushes the call's connection received while it was pending or just after: one line each where they fit. */
function PushList({ pushes }: { pushes: CallPush[] }) {
  return (
    <ul className="plain-list call-pushes" aria-label="Pushes during this call">
      {pushes.map((p) => {
        const text = p.value === undefined ? '' : JSON.stringify(p.value);
        return (
          <li key={p.feedId} className="call-push">
            <span className="status-pill status-push">push</span> <span className="mono">{p.name}</span>{' '}
            <span className="muted small" title="since the call was made">
              +{p.afterMs.toFixed(0)} ms
            </span>{' '}
            {p.problem ? (
              <span className="error-text small">{p.problem}</span>
            ) : text.length <= INLINE_VALUE ? (
              <span className="mono small push-value">{text}</span>
            ) : (
              <JsonTree value={p.value!} label={`Push ${p.name}`} />
            )}
          </li>
        );
      })}
    </ul>
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

/** One name/value pair of a result, kept on one line. */
function Metric({ name, value }: { name: string; value: string }) {
  return (
    <div className="metric">
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
