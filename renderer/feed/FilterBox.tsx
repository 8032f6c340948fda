import { useEffect, useRef, useState } from 'react';
import { describeQueryError } from '../../shared/console-api/feed-query.js';
import { setFeedQuery, setWholeCalls } from '../actions/feed.js';
import { LIVE, useFeed, windowOf, type Restart } from '../stores/feed.js';

const NO_RESTARTS: readonly Restart[] = [];

/** The grammar as a person reads it: each line a form and what it does; examples can be clicked. */
const SYNTAX: [string, string][] = [
  ['hello', 'free text, anywhere: header fields, extra, and the decoded arguments, results and error reasons'],
  ['"two words"', 'a phrase; quotes also make field-like text plain ("tcp://host:1")'],
  ['method:echo', 'operation; also Server.echo, test.Server.echo, ec*'],
  ['if:test.Server', 'interface, full or short name (Server), * for any characters'],
  ['hop:server', 'console, proxy, gateway, queue or server'],
  ['dir:in', 'in or out'],
  ['endpoint:socket_gateway', 'endpoint name or URL, * for any characters'],
  ['user:gwserver/2', 'user 2 of gateway gwserver; user:2 is user 2 of any gateway'],
  ['gw:gwserver', 'the gateway that numbered the user'],
  ['seq:12', 'sequence number (also seq>100)'],
  ['errcode:4', 'error code by number or name: errcode:TIMEOUT, errcode>0'],
  ['kind:error', 'call, oneway, async, return, error or push'],
  ['extra.name=scott.bo', 'an extra key and value (extra.name=* for "has name")'],
  ['size>1000', 'bytes; > >= < <= = work for size, latency, seq and errcode'],
  ['latency>50', 'milliseconds on a RETURN (0.5 works too)'],
  ['call:call:7:2@gwserver', 'one call by its correlation key (what Follow call shows)'],
  ['run:run-3', 'every hop of the calls a collection or load run made (run-N, load-N; * for any)'],
  ['saved:orders/*', 'the hops of one saved call (or a folder of them) as a run made it'],
];

const COMBINE: [string, string][] = [
  ['a b', 'both (AND is implied; AND may be written)'],
  ['a OR b', 'either; AND binds tighter than OR'],
  ['-a', 'not a (also NOT a)'],
  ['(a OR b) -c', 'parentheses group'],
];

/** Filter input, its help, the whole-calls switch, and what is wrong with the query (with where). */
export function FilterBox({ viewId }: { viewId: string }) {
  const view = useFeed((s) => s.views[viewId]!);
  const [help, setHelp] = useState(false);
  const error = view.error;
  return (
    <div className="filter-box">
      <div className="filter-row">
        <input
          id="feed-filter"
          className={`input mono ${error ? 'input-invalid' : ''}`}
          type="search"
          aria-label="Filter"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'feed-filter-error' : undefined}
          placeholder='Filter: "hello"  method:echo  hop:server  user:gwserver/2  -kind:return  (? for help)'
          spellCheck={false}
          value={view.query}
          onChange={(e) => setFeedQuery(e.target.value, viewId)}
          onKeyDown={(e) => {
            if (e.key === '?' && view.query === '') {
              e.preventDefault();
              setHelp(true);
            }
          }}
        />
        <button
          type="button"
          className="btn btn-small btn-ghost help-button"
          aria-label="Filter help"
          aria-expanded={help}
          onClick={() => setHelp(!help)}
        >
          ?
        </button>
        <label className="check small" title="Show every entry of each call one of whose entries matches">
          <input type="checkbox" checked={view.wholeCalls} onChange={(e) => setWholeCalls(e.target.checked, viewId)} />
          Whole calls
        </label>
      </div>
      {help && <FilterHelp onPick={(q) => setFeedQuery(q, viewId)} onClose={() => setHelp(false)} />}
      <FilterStatus viewId={viewId} />
      {error && (
        <div id="feed-filter-error" className="filter-error" role="alert">
          <span className="error-text">{describeQueryError(error)}</span>
          <span className="filter-error-query mono" aria-hidden="true">
            {view.query.slice(0, error.start)}
            <mark>{view.query.slice(error.start, Math.max(error.end, error.start + 1)) || ' '}</mark>
            {view.query.slice(Math.max(error.end, error.start + 1))}
          </span>
          <span className="muted">
            {view.appliedQuery ? ` · rows still show: ${view.appliedQuery}` : ' · rows still show everything'}
          </span>
        </div>
      )}
    </div>
  );
}

/** Notes on a valid query, and a filter's progress through the window. */
function FilterStatus({ viewId }: { viewId: string }) {
  const view = useFeed((s) => s.views[viewId]!);
  useFeed((s) => s.version);
  const restarts = useFeed((s) => (viewId === LIVE ? s.restarts : NO_RESTARTS));
  const window = windowOf(viewId);
  const progress = window.progress;
  const notes = [...view.notes];
  const oldest = window.oldestId;
  if (
    /(^|[\s(-])(user|gw|gateway):/i.test(view.appliedQuery) &&
    oldest !== undefined &&
    restarts.some((r) => r.afterId >= oldest)
  ) {
    notes.push(
      'the sandbox restarted within these entries: its gateways numbered their users from 1 again, so the same user id before and after is another connection (an orange line marks the first row after the restart)',
    );
  }
  if (!progress && notes.length === 0) return null;
  return (
    <div className="filter-notes small muted" aria-live="polite">
      {progress && <span>filtering… {Math.round((progress.done / Math.max(1, progress.total)) * 100)}% </span>}
      {notes.map((n) => (
        <span key={n} className="filter-note">
          {n}
        </span>
      ))}
    </div>
  );
}

function FilterHelp({ onPick, onClose }: { onPick: (query: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const away = (e: MouseEvent): void => {
      const target = e.target as Node;
      if (!ref.current?.contains(target) && !(target instanceof Element && target.closest('.help-button'))) onClose();
    };
    const escape = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', escape);
    };
  }, [onClose]);
  const row = ([form, meaning]: [string, string]) => (
    <tr key={form}>
      <td>
        <button type="button" className="link mono" onClick={() => onPick(form)} title="Use this filter">
          {form}
        </button>
      </td>
      <td>{meaning}</td>
    </tr>
  );
  return (
    <div ref={ref} className="filter-help" role="dialog" aria-label="Filter syntax">
      <h3>Filter syntax</h3>
      <p className="small muted">
        Case-insensitive. A term that cannot mean anything is an error, shown here with its column — never quietly
        another filter.
      </p>
      <table className="kv-table help-table">
        <tbody>{SYNTAX.map(row)}</tbody>
      </table>
      <h4>Combining</h4>
      <table className="kv-table help-table">
        <tbody>{COMBINE.map(row)}</tbody>
      </table>
      <p className="small muted">
        Whole calls widens the rows to every hop of each matching call. Free text decodes each payload once (the first
        16 KB of it are searched). Double-click a row, or press F, to follow its call.
      </p>
    </div>
  );
}
