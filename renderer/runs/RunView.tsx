import { useEffect, useRef, useState } from 'react';
import { lineDiff } from '../../shared/collections/diff.js';
import { summaryLine } from '../../shared/collections/report.js';
import type { CallReport, JsonValue, TargetSpec } from '../../shared/console-api/index.js';
import { targetFromText } from '../../shared/console-api/target-text.js';
import { Dialog, CloseAction } from '../components/Dialog.js';
import { useInvoke } from '../stores/invoke.js';
import { toast } from '../stores/ui.js';
import '../styles/runs.css';
import { drawHistogram, drawThroughput } from './charts.js';
import {
  closeRuns,
  foldersOf,
  refreshCalls,
  rerunFailed,
  showRunInFeed,
  startLoad,
  startRun,
  stopRun,
  useRuns,
} from './runs.js';
import { messageOf } from '../../shared/message-of.js';

const WHOLE = '';
const fail = (e: unknown): void => toast(messageOf(e), 'error');

/** Empty: each call's own target. */
function targetOf(text: string): TargetSpec | undefined {
  const t = text.trim();
  return t === '' ? undefined : targetFromText(t);
}

/** The Run view: run a folder or the whole collection with its expectations, or load-test one call. */
export function RunView() {
  const tab = useRuns((s) => s.tab);
  const error = useRuns((s) => s.error);
  return (
    <Dialog title="Runs" onClose={closeRuns} actions={<CloseAction onClose={closeRuns} />}>
      <div className="runs-view">
        <div className="tabs sub-tabs" role="tablist" aria-label="Run kind">
          {(['run', 'load'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={`tab ${tab === t ? 'active' : ''}`}
              onClick={() => useRuns.setState({ tab: t })}
            >
              {t === 'run' ? 'Run' : 'Load'}
            </button>
          ))}
        </div>
        {error && (
          <p className="banner banner-error" role="alert">
            {error}
          </p>
        )}
        {tab === 'run' ? <RunTab /> : <LoadTab />}
      </div>
    </Dialog>
  );
}

function Where({
  target,
  setTarget,
  env,
  setEnv,
}: {
  target: string;
  setTarget: (v: string) => void;
  env: string;
  setEnv: (v: string) => void;
}) {
  const environments = useInvoke((s) => s.environments);
  return (
    <>
      <label className="runs-field">
        Environment
        <select className="input input-small" value={env} onChange={(e) => setEnv(e.target.value)}>
          <option value="">Active environment</option>
          {environments.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name}
            </option>
          ))}
        </select>
      </label>
      <label className="runs-field">
        Target
        <input
          className="input input-small"
          value={target}
          placeholder="each call's own"
          title="tcp://host:port, ws://…, or an endpoint name of services.xml"
          onChange={(e) => setTarget(e.target.value)}
        />
      </label>
    </>
  );
}

function RunTab() {
  const calls = useRuns((s) => s.calls);
  const runId = useRuns((s) => s.runId);
  const results = useRuns((s) => s.results);
  const report = useRuns((s) => s.report);
  const [folder, setFolder] = useState(WHOLE);
  const [env, setEnv] = useState('');
  const [target, setTarget] = useState('');
  const run = (): void => {
    const t = targetOf(target);
    void startRun({
      selection: folder === WHOLE ? [] : [folder],
      ...(env ? { environment: env } : {}),
      ...(t ? { target: t } : {}),
    }).catch(fail);
  };
  const failed = report?.calls.filter((c) => c.verdict === 'failed').length ?? 0;
  /** The run the results are of: the one going on, or the last one reported. */
  const shown = runId ?? report?.id;
  return (
    <>
      <div className="runs-controls">
        <label className="runs-field">
          Folder
          <select className="input input-small" value={folder} onChange={(e) => setFolder(e.target.value)}>
            <option value={WHOLE}>Whole collection ({calls.length})</option>
            {foldersOf(calls).map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <Where target={target} setTarget={setTarget} env={env} setEnv={setEnv} />
        <button type="button" className="btn btn-small btn-ghost" onClick={() => void refreshCalls().catch(fail)}>
          Refresh
        </button>
        <button type="button" className="btn btn-primary" onClick={run} disabled={runId !== null || calls.length === 0}>
          Run
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void rerunFailed().catch(fail)}
          disabled={runId !== null || failed === 0}
        >
          Re-run failed
        </button>
        {runId && (
          <button type="button" className="btn btn-small btn-danger" onClick={() => void stopRun().catch(fail)}>
            Stop
          </button>
        )}
      </div>
      {calls.length === 0 && (
        <p className="muted small">
          No saved calls yet. Save calls from the Invoke panel; add expectations to their JSON files (see
          docs/collections.md).
        </p>
      )}
      <ul className="run-results" aria-label="Run results">
        {results.map((c) => (
          <CallRow key={c.name} call={c} runId={shown} />
        ))}
      </ul>
      {runId && <p className="muted small">Running… {results.length} done</p>}
      {report && (
        <p
          className={`run-totals ${report.totals.failed > 0 ? 'error-text' : 'ok-text'}`}
          role="status"
          aria-label="Run totals"
        >
          {summaryLine(report.totals)}
          {report.totals.skipped > 0 ? `, ${report.totals.skipped} skipped` : ''} ·{' '}
          {(report.totals.durationMs / 1000).toFixed(2)} s{' '}
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label="Show this run in the feed"
            onClick={() => showRunInFeed(report.id)}
          >
            Show in feed
          </button>
        </p>
      )}
    </>
  );
}

const pretty = (v: JsonValue | undefined): string => (v === undefined ? '(nothing)' : JSON.stringify(v, null, 2));

function CallRow({ call, runId }: { call: CallReport; runId: string | undefined }) {
  const failing = call.outcomes.find((o) => !o.pass);
  return (
    <li className={`run-call run-${call.verdict}`} aria-label={`${call.name}: ${call.verdict}`}>
      <div className="run-call-line">
        <span className="run-mark">{call.verdict === 'passed' ? '✓' : call.verdict === 'failed' ? '✗' : '–'}</span>
        <span className="run-name mono">{call.name}</span>
        {call.role !== 'call' && <span className="tag">{call.role}</span>}
        <span className="spacer" />
        <span className="muted small">{Math.round(call.durationMs)} ms</span>
        {runId !== undefined && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Show ${call.name} in the feed`}
            title="Every hop of this call, in the feed"
            onClick={() => showRunInFeed(runId, call.name)}
          >
            Feed
          </button>
        )}
      </div>
      {call.verdict !== 'passed' && call.message && <div className="run-message small">{call.message}</div>}
      {failing && (failing.expected !== undefined || failing.actual !== undefined) && (
        <div className="run-diff mono small" role="table" aria-label={`Expected vs actual for ${call.name}`}>
          {lineDiff(pretty(failing.expected), pretty(failing.actual)).map((line, i) => (
            <div key={i} role="row" className={`diff-${line.op}`}>
              <span role="cell" className="diff-sign">
                {line.op === 'expected' ? '-' : line.op === 'actual' ? '+' : ' '}
              </span>
              <span role="cell">{line.text}</span>
            </div>
          ))}
          <div className="muted">- expected, + actual</div>
        </div>
      )}
    </li>
  );
}

function LoadTab() {
  const calls = useRuns((s) => s.calls);
  const load = useRuns((s) => s.load);
  const loadId = useRuns((s) => s.loadId);
  const loadDone = useRuns((s) => s.loadDone);
  const [call, setCall] = useState('');
  const [concurrency, setConcurrency] = useState('16');
  const [seconds, setSeconds] = useState('10');
  const [rate, setRate] = useState('');
  const [env, setEnv] = useState('');
  const [target, setTarget] = useState('');
  const histogram = useRef<HTMLCanvasElement>(null);
  const throughput = useRef<HTMLCanvasElement>(null);
  const chosen = call || calls[0]?.name || '';
  useEffect(() => {
    if (!load) return;
    if (histogram.current) drawHistogram(histogram.current, load.histogram, load.latency);
    if (throughput.current) drawThroughput(throughput.current, load.throughput);
  }, [load]);
  const start = (): void => {
    const t = targetOf(target);
    void startLoad({
      call: chosen,
      concurrency: Math.max(1, Math.min(1024, Number(concurrency) || 1)),
      durationMs: Math.max(1, Math.round((Number(seconds) || 1) * 1000)),
      ...(Number(rate) > 0 ? { rate: Math.round(Number(rate)) } : {}),
      ...(env ? { environment: env } : {}),
      ...(t ? { target: t } : {}),
    }).catch(fail);
  };
  const l = load?.latency;
  return (
    <>
      <div className="runs-controls">
        <label className="runs-field">
          Saved call
          <select className="input input-small" value={chosen} onChange={(e) => setCall(e.target.value)}>
            {calls.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="runs-field">
          Concurrency
          <input
            className="input input-small runs-number"
            inputMode="numeric"
            value={concurrency}
            onChange={(e) => setConcurrency(e.target.value)}
          />
        </label>
        <label className="runs-field">
          Duration (s)
          <input
            className="input input-small runs-number"
            inputMode="decimal"
            value={seconds}
            onChange={(e) => setSeconds(e.target.value)}
          />
        </label>
        <label className="runs-field">
          Rate (calls/s)
          <input
            className="input input-small runs-number"
            inputMode="numeric"
            value={rate}
            placeholder="as fast as possible"
            onChange={(e) => setRate(e.target.value)}
          />
        </label>
        <Where target={target} setTarget={setTarget} env={env} setEnv={setEnv} />
        <button type="button" className="btn btn-primary" onClick={start} disabled={loadId !== null || chosen === ''}>
          Start load run
        </button>
        {loadId && (
          <button type="button" className="btn btn-small btn-danger" onClick={() => void stopRun().catch(fail)}>
            Stop
          </button>
        )}
      </div>
      {load && l && (
        <>
          <p className="small" role="status" aria-label="Load summary">
            {loadDone ? 'Done' : 'Running'}: {load.calls} calls, {load.callsPerSecond.toFixed(1)} calls/s,{' '}
            {load.calls - load.ok} failed
            {Object.keys(load.errors).length > 0 &&
              ` (${Object.entries(load.errors)
                .map(([code, n]) => `error ${code}: ${n}`)
                .join(', ')})`}
            .{' '}
            {load.correctedForCoordinatedOmission
              ? "Latency counts from each call's intended send time (coordinated omission corrected)."
              : 'Latency counts from the actual send.'}
          </p>
          <table className="load-table small" aria-label="Latency percentiles">
            <thead>
              <tr>
                {['p50', 'p90', 'p99', 'p99.9', 'max', 'mean'].map((h) => (
                  <th key={h}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {[l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs, l.meanMs].map((v, i) => (
                  <td key={i} className="mono">
                    {v.toFixed(2)} ms
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </>
      )}
      <div className="load-charts" hidden={!load}>
        <figure>
          <figcaption className="small muted">Latency histogram (log scale)</figcaption>
          <canvas ref={histogram} className="load-chart" role="img" aria-label="Latency histogram" />
        </figure>
        <figure>
          <figcaption className="small muted">Throughput over time</figcaption>
          <canvas ref={throughput} className="load-chart" role="img" aria-label="Throughput over time" />
        </figure>
      </div>
    </>
  );
}
