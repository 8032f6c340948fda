import { useEffect, useState } from 'react';
import type { DecodedPayload, FeedEntry } from '../../shared/console-api/index.js';
import { selectEntry } from '../actions/feed.js';
import { HexDump } from '../components/HexDump.js';
import { JsonTree } from '../components/JsonTree.js';
import { host } from '../stores/host.js';
import { feedWindow, useFeed } from '../stores/feed.js';
import { callName, clock } from './columns.js';

type Loaded<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; reason: string };

function useHostValue<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    load().then(
      (v) => live && setValue({ state: 'done', value: v }),
      (e: unknown) => live && setValue({ state: 'failed', reason: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
    // The caller names what the load depends on.
  }, deps);
  return value;
}

/** One feed entry: decoded payload, extra, header, raw bytes, and the other hops of its call. */
export function FeedDetails() {
  const selectedId = useFeed((s) => s.selectedId);
  useFeed((s) => s.version);
  const entry = selectedId === null ? undefined : feedWindow.byId(selectedId);
  if (selectedId === null) return null;
  return (
    <aside className="feed-details" aria-label="Entry details">
      <header className="details-header">
        <h3>{entry ? callName(entry) : `Entry ${selectedId}`}</h3>
        <button type="button" className="btn btn-small btn-ghost" aria-label="Close details" onClick={() => selectEntry(null)}>
          ✕
        </button>
      </header>
      {entry ? <EntryBody entry={entry} /> : <p className="muted small pad">This entry left the window.</p>}
    </aside>
  );
}

function EntryBody({ entry }: { entry: FeedEntry }) {
  const decoded = useHostValue<DecodedPayload>(() => host.call('feed.decode', { id: entry.id }), [entry.id]);
  const related = useHostValue<FeedEntry[]>(() => host.call('feed.related', { id: entry.id }), [entry.id]);
  return (
    <div className="details-body">
      <div className="details-tags">
        {entry.push && <span className="push-badge">PUSH</span>}
        <span className={`kind-badge kind-${entry.kind}`}>{entry.kind}</span>
        <span className="tag">{entry.hop}</span>
        <span className="tag">{entry.direction === 'in' ? '→ in' : '← out'}</span>
        <span className="tag mono">{entry.endpoint}</span>
        {entry.note && <span className="tag tag-note">{entry.note}</span>}
      </div>

      <section aria-label="Decoded payload">
        <h4>{decoded.state === 'done' && decoded.value.ok ? (decoded.value.kind === 'params' ? 'Parameters' : 'Result') : 'Payload'}</h4>
        {decoded.state === 'loading' && <p className="muted small">decoding…</p>}
        {decoded.state === 'failed' && <p className="error-text small">{decoded.reason}</p>}
        {decoded.state === 'done' &&
          (decoded.value.ok ? (
            <JsonTree value={decoded.value.value} label={decoded.value.kind === 'params' ? 'Parameters' : 'Result'} />
          ) : (
            <div className="decode-failed" role="alert">
              <p className="error-text small">Could not decode: {decoded.value.reason}</p>
              <pre className="hex-inline">{decoded.value.hex}</pre>
            </div>
          ))}
      </section>

      <section aria-label="Extra">
        <h4>Extra</h4>
        {Object.keys(entry.extra).length === 0 ? (
          <p className="muted small">none</p>
        ) : (
          <table className="kv-table">
            <tbody>
              {Object.entries(entry.extra).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row" className="mono">
                    {k}
                  </th>
                  <td className="mono">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-label="Other hops of this call">
        <h4>Hops of this call</h4>
        {related.state === 'done' ? (
          <ol className="hop-list">
            {related.value.map((r) => (
              <li key={r.id}>
                <button type="button" className={`hop ${r.id === entry.id ? 'current' : ''}`} onClick={() => selectEntry(r.id)} aria-current={r.id === entry.id ? 'true' : undefined}>
                  <span className="mono small">{clock(r.time)}</span>
                  <span className="tag">{r.hop}</span>
                  <span>{r.direction === 'in' ? '→' : '←'}</span>
                  <span className="mono small">{r.endpoint}</span>
                  <span className={`kind-badge kind-${r.kind}`}>{r.kind}</span>
                  {r.latencyMs !== undefined && <span className="muted small">{r.latencyMs.toFixed(1)} ms</span>}
                </button>
              </li>
            ))}
          </ol>
        ) : related.state === 'failed' ? (
          <p className="error-text small">{related.reason}</p>
        ) : (
          <p className="muted small">…</p>
        )}
      </section>

      <section aria-label="Header">
        <h4>Header</h4>
        <table className="kv-table">
          <tbody>
            {headerFields(entry).map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-label="Raw bytes">
        <h4>Raw ({entry.size} bytes)</h4>
        <HexDump base64={entry.raw} truncated={entry.rawTruncated} />
      </section>
    </div>
  );
}

function headerFields(e: FeedEntry): [string, string][] {
  return [
    ['time', new Date(e.time).toISOString()],
    ['sequence', String(e.sequence)],
    ['calltype', `0x${e.calltype.toString(16).padStart(2, '0')}`],
    ['ifidx / opidx', `${e.ifidx} / ${e.opidx}`],
    ['errcode', String(e.errcode)],
    ['call_id', `0x${e.callId.toString(16)}`],
    ['user', e.userId ?? '—'],
    ['peer', e.peer ?? '—'],
    ['latency', e.latencyMs === undefined ? '—' : `${e.latencyMs.toFixed(2)} ms`],
    ['correlation', e.correlation],
  ];
}
