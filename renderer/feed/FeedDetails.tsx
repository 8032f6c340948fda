import { useMemo, useRef } from 'react';
import type { DecodedPayload, FeedEntry, JsonValue } from '../../shared/console-api/index.js';
import { followCall as follow, type CallHops, type FollowedCall } from '../../shared/console-api/feed-follow.js';
import { userLabel } from '../../shared/console-api/feed-filter.js';
import { base64ToBytes, bytesToHex } from '../../shared/wire/base64.js';
import { followCall, selectEntry, setFeedQuery, showPane } from '../actions/feed.js';
import { restoreCall } from '../actions/invoke.js';
import { HexDump } from '../components/HexDump.js';
import { JsonTree } from '../components/JsonTree.js';
import { useFeed, windowOf, windows } from '../stores/feed.js';
import { useProject } from '../stores/project.js';
import { openDialog, toast } from '../stores/ui.js';
import { bytes, callName, clock, duration } from './columns.js';
import { KindBadges } from './FeedGrid.js';
import type { PayloadSource } from './payloads.js';
import { replayOf } from './replay.js';

const payloadsOf = (viewId: string): PayloadSource => windows.get(viewId)!.payloads();

/** Copies text; where the clipboard is not allowed, shows it to copy by hand. */
async function copy(what: string, text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(`copied ${what}`);
  } catch {
    openDialog({ kind: 'text', title: `Copy ${what}`, text });
  }
}

/** The right pane of a feed view: the selected entry's details, or its whole call. */
export function FeedDetails({ viewId }: { viewId: string }) {
  const view = useFeed((s) => s.views[viewId]);
  useFeed((s) => s.version);
  if (!view || view.selectedId === null) return null;
  const entry = windowOf(viewId).byId(view.selectedId);
  return (
    <aside className="feed-details" aria-label="Entry details">
      <header className="details-header">
        <h3 title={entry ? callName(entry) : undefined}>{entry ? callName(entry) : `Entry ${view.selectedId}`}</h3>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          aria-label="Close details"
          onClick={() => selectEntry(null, viewId)}
        >
          ✕
        </button>
      </header>
      <div className="pane-tabs" role="tablist" aria-label="Entry views">
        {(['details', 'follow'] as const).map((pane) => (
          <button
            key={pane}
            type="button"
            role="tab"
            className="pane-tab"
            aria-selected={view.pane === pane}
            onClick={() => showPane(pane, viewId)}
          >
            {pane === 'details' ? 'Details' : 'Follow call'}
          </button>
        ))}
      </div>
      {!entry ? (
        <p className="muted small pad">This entry left the window.</p>
      ) : view.pane === 'follow' ? (
        <FollowCallBody viewId={viewId} entry={entry} />
      ) : (
        <EntryBody viewId={viewId} entry={entry} />
      )}
    </aside>
  );
}

function EntryBody({ viewId, entry }: { viewId: string; entry: FeedEntry }) {
  const payloads = payloadsOf(viewId);
  const decoded = useMemo(() => payloads.decode(entry), [payloads, entry]);
  const hops = windowOf(viewId).callEntries(entry.correlation);
  const raw = useMemo(() => bytesToHex(rawBytes(entry)).replace(/(..)(?!$)/g, '$1 '), [entry]);
  return (
    <div className="details-body">
      <div className="details-tags">
        <KindBadges entry={entry} />
        <span className="tag">{entry.hop}</span>
        <span className="tag">{entry.direction === 'in' ? '→ in' : '← out'}</span>
        <span className="tag mono">{entry.endpoint}</span>
        {entry.userId !== undefined && (
          <span className="tag mono" title="user (per gateway)">
            user {userLabel(entry)}
          </span>
        )}
        {entry.note && <span className="tag tag-note">{entry.note}</span>}
      </div>
      <div className="details-actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={!decoded.ok}
          title="The decoded arguments, result or error as JSON"
          onClick={() => void copy('JSON', JSON.stringify(payloadJson(decoded), null, 2))}
        >
          Copy JSON
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={entry.raw === ''}
          onClick={() => void copy('hex', raw)}
        >
          Copy hex
        </button>
        <OpenInInvoke viewId={viewId} entry={entry} />
        <button type="button" className="btn btn-small" onClick={() => followCall(entry.id, viewId)}>
          Follow call
        </button>
      </div>

      <section aria-label="Decoded payload">
        <h4>
          {decoded.ok
            ? decoded.kind === 'params'
              ? 'Parameters'
              : decoded.kind === 'result'
                ? 'Result'
                : 'Error'
            : 'Payload'}
        </h4>
        <Payload decoded={decoded} />
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
        <HopList viewId={viewId} hops={hops} current={entry.id} />
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
        <h4>Raw ({bytes(entry.size)})</h4>
        <HexDump base64={entry.raw} truncated={entry.rawTruncated} />
      </section>
    </div>
  );
}

const rawBytes = (entry: FeedEntry): Uint8Array => {
  try {
    return base64ToBytes(entry.raw);
  } catch {
    return new Uint8Array(0);
  }
};

function payloadJson(decoded: DecodedPayload): JsonValue {
  if (!decoded.ok) return null;
  return decoded.kind === 'error'
    ? { errcode: decoded.code, name: decoded.codeName, reason: decoded.reason }
    : decoded.value;
}

function Payload({ decoded }: { decoded: DecodedPayload }) {
  if (!decoded.ok) {
    return (
      <div className="decode-failed" role="alert">
        <p className="error-text small">Could not decode: {decoded.reason}</p>
        {decoded.hex && <pre className="hex-inline">{decoded.hex}</pre>}
      </div>
    );
  }
  if (decoded.kind === 'error') {
    return (
      <p className="error-return small">
        <span className="error-text mono">
          {decoded.codeName} ({decoded.code})
        </span>{' '}
        — {decoded.reason}. An error RETURN carries no payload: the code is the answer.
      </p>
    );
  }
  return <JsonTree value={decoded.value} label={decoded.kind === 'params' ? 'Parameters' : 'Result'} />;
}

function HopList({ viewId, hops, current }: { viewId: string; hops: readonly FeedEntry[]; current: number }) {
  const t0 = hops[0]?.time ?? 0;
  return (
    <ol className="hop-list">
      {hops.map((r) => (
        <li key={r.id}>
          <button
            type="button"
            className={`hop ${r.id === current ? 'current' : ''}`}
            onClick={() => selectEntry(r.id, viewId)}
            aria-current={r.id === current ? 'true' : undefined}
          >
            <span className="mono small hop-offset" title={clock(r.time)}>
              {r.time === t0 ? '0' : `+${duration(r.time - t0)}`}
            </span>
            <span className="tag">{r.hop}</span>
            <span>{r.direction === 'in' ? '→' : '←'}</span>
            <span className="mono small hop-endpoint">{r.endpoint}</span>
            <KindBadges entry={r} />
            {r.kind === 'call' && !r.push ? <span className="kind-badge">call</span> : null}
            {r.latencyMs !== undefined && <span className="muted small">{duration(r.latencyMs)}</span>}
          </button>
        </li>
      ))}
    </ol>
  );
}

function OpenInInvoke({ viewId, entry }: { viewId: string; entry: FeedEntry }) {
  const snapshot = useProject((s) => s.snapshot);
  const replay = replayOf(follow(windowOf(viewId).callEntries(entry.correlation), entry), payloadsOf(viewId), snapshot);
  return (
    <button
      type="button"
      className="btn btn-small"
      disabled={!replay.ok}
      title={
        replay.ok
          ? `Put ${replay.call.interface}.${replay.call.method} with these arguments, mode and extra into Invoke, to ${replay.call.target.kind === 'endpoint' ? replay.call.target.endpoint : replay.call.target.url}`
          : `Cannot replay: ${replay.reason}`
      }
      onClick={() => {
        if (!replay.ok) return;
        restoreCall(replay.call);
        toast(`${replay.call.interface}.${replay.call.method} is in Invoke: check it and press Invoke`);
      }}
    >
      Open in Invoke
    </button>
  );
}

/** Recomputes at most twice a second while the feed moves: following a call scans the window. */
function useFollowed(viewId: string, entry: FeedEntry): FollowedCall {
  const version = useFeed((s) => s.version);
  const last = useRef<{ id: number; at: number; call: FollowedCall } | undefined>(undefined);
  const now = performance.now();
  if (!last.current || last.current.id !== entry.id || now - last.current.at > 500) {
    last.current = { id: entry.id, at: now, call: follow(windowOf(viewId).entries(), entry) };
  }
  void version;
  return last.current.call;
}

function FollowCallBody({ viewId, entry }: { viewId: string; entry: FeedEntry }) {
  const call = useFollowed(viewId, entry);
  const payloads = payloadsOf(viewId);
  const request = call.request && payloads.decode(call.request);
  const reply = call.reply && payloads.decode(call.reply);
  const oneway = call.request !== undefined && call.request.kind === 'oneway';
  const first = call.entries[0];
  const name = call.request ? callName(call.request) : first ? callName(first) : call.correlation;
  const total = call.entries.length > 1 ? call.entries[call.entries.length - 1]!.time - first!.time : undefined;
  return (
    <div className="details-body" role="region" aria-label="Follow call">
      <p className="follow-summary">
        <span className="mono">{name}</span> {call.request && <KindBadges entry={call.request} />}
        <span className="muted small">
          {call.caller ? ` from user ${call.caller.gateway ? `${call.caller.gateway}/` : ''}${call.caller.userId}` : ''}{' '}
          · {call.entries.length} hop entries
          {total !== undefined ? ` over ${duration(total)}` : ''}
        </span>
      </p>
      <div className="details-actions">
        <button
          type="button"
          className="btn btn-small"
          title="Filter the rows to this call"
          onClick={() => setFeedQuery(`call:"${call.correlation}"`, viewId)}
        >
          Show only this call
        </button>
        <OpenInInvoke viewId={viewId} entry={call.request ?? entry} />
      </div>
      <section aria-label="Call hops">
        <h4>
          Hops <span className="mono correlation-key">{call.correlation}</span>
        </h4>
        <HopList viewId={viewId} hops={call.entries} current={entry.id} />
      </section>
      <section aria-label="Request">
        <h4>Request</h4>
        {request ? (
          <Payload decoded={request} />
        ) : (
          <p className="muted small">The CALL is not in this view (only its reply is).</p>
        )}
      </section>
      <section aria-label="Reply">
        <h4>Reply</h4>
        {reply ? (
          <Payload decoded={reply} />
        ) : (
          <p className="muted small">{oneway ? 'One-way: no reply by design.' : 'No reply in this view (yet).'}</p>
        )}
      </section>
      <section aria-label="Pushes it caused">
        <h4>Pushes it caused ({call.pushes.length})</h4>
        {call.entries.some((e) => e.push) ? (
          <p className="muted small">
            This is a push (a back end calling the client); no call of the same user was running when it started.
          </p>
        ) : call.pushes.length === 0 ? (
          <p className="muted small">
            None: no push to this user started while the call ran (or within half a second after).
          </p>
        ) : (
          <>
            <p className="muted small">
              Pushes to the same user that started while the call ran, or within half a second after (the wire does not
              link them; timing does).
            </p>
            {call.pushes.map((p) => (
              <PushItem key={p.correlation} viewId={viewId} push={p} current={entry.id} payloads={payloads} />
            ))}
          </>
        )}
      </section>
    </div>
  );
}

function PushItem({
  viewId,
  push,
  current,
  payloads,
}: {
  viewId: string;
  push: CallHops;
  current: number;
  payloads: PayloadSource;
}) {
  const first = push.entries.find((e) => e.kind === 'call' || e.kind === 'oneway') ?? push.entries[0]!;
  return (
    <div className="push-item">
      <p className="small">
        <span className="push-badge">PUSH</span>
        <span className="mono">{callName(first)}</span>
      </p>
      <Payload decoded={payloads.decode(first)} />
      <HopList viewId={viewId} hops={push.entries} current={current} />
    </div>
  );
}

function headerFields(e: FeedEntry): [string, string][] {
  return [
    ['time', `${new Date(e.time).toISOString()}${Number.isInteger(e.time) ? '' : ` (${clock(e.time)})`}`],
    ['sequence', String(e.sequence)],
    ['calltype', `0x${e.calltype.toString(16).padStart(2, '0')}`],
    ['ifidx / opidx', `${e.ifidx} / ${e.opidx}`],
    ['errcode', String(e.errcode)],
    ['call_id', `0x${e.callId.toString(16)}`],
    ['user', e.userId === undefined ? '—' : `${userLabel(e)}${e.gateway ? '' : ' (gateway unknown)'}`],
    ['peer', e.peer ?? '—'],
    ['size', bytes(e.size)],
    ['latency', e.latencyMs === undefined ? '—' : duration(e.latencyMs)],
    ['correlation', e.correlation],
  ];
}
