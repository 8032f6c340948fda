import { clearFeed, setFeedQuery, toggleFeedPause } from '../actions/feed.js';
import { runCommand } from '../commands.js';
import { Splitter } from '../components/Splitter.js';
import { FeedDetails } from '../feed/FeedDetails.js';
import { FeedGrid } from '../feed/FeedGrid.js';
import { FEED_WINDOW, feedWindow, useFeed } from '../stores/feed.js';
import { setLayout, toast, useUi } from '../stores/ui.js';

/** Replaces (or removes) one `field:value` token of the filter text. */
function withToken(query: string, field: string, value: string): string {
  const rest = query.replace(new RegExp(`(^|\\s)${field}:\\S+`, 'g'), '').trim();
  return value ? `${rest} ${field}:${value}`.trim() : rest;
}

const tokenValue = (query: string, field: string): string => new RegExp(`(?:^|\\s)${field}:(\\S+)`).exec(query)?.[1] ?? '';

/** The live feed: filter bar, pause/resume, counters, the virtualized grid and entry details. */
export function FeedPanel() {
  const query = useFeed((s) => s.query);
  const problems = useFeed((s) => s.filterProblems);
  const paused = useFeed((s) => s.paused);
  const waiting = useFeed((s) => s.waiting);
  const dropped = useFeed((s) => s.dropped);
  const olderLoaded = useFeed((s) => s.olderLoaded);
  const selectedId = useFeed((s) => s.selectedId);
  useFeed((s) => s.version);
  const detailsWidth = useUi((s) => s.layout.detailsWidth);
  const act = (f: () => Promise<unknown>): void => void f().catch((e: Error) => toast(e.message, 'error'));
  const rows = feedWindow.rowCount;

  return (
    <section className="panel feed-panel" aria-label="Live feed">
      <header className="panel-header feed-toolbar">
        <h2 className="panel-title">Live feed</h2>
        <div className="filter-box">
          <input
            id="feed-filter"
            className="input mono"
            type="search"
            aria-label="Filter"
            placeholder="Filter: text  method:echo  if:test.Server  user:42  extra.name=scott.bo"
            spellCheck={false}
            value={query}
            onChange={(e) => setFeedQuery(e.target.value)}
          />
        </div>
        <select className="input input-small" aria-label="Direction" value={tokenValue(query, 'dir')} onChange={(e) => setFeedQuery(withToken(query, 'dir', e.target.value))}>
          <option value="">both ways</option>
          <option value="in">in</option>
          <option value="out">out</option>
        </select>
        <select className="input input-small" aria-label="Hop" value={tokenValue(query, 'hop')} onChange={(e) => setFeedQuery(withToken(query, 'hop', e.target.value))}>
          <option value="">all hops</option>
          <option value="console">console</option>
          <option value="gateway">gateway</option>
          <option value="queue">queue</option>
          <option value="server">server</option>
        </select>
        <button type="button" className={`btn btn-small ${paused ? 'btn-primary' : ''}`} onClick={() => act(toggleFeedPause)} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => act(clearFeed)}>
          Clear
        </button>
        <button type="button" className="btn btn-small" onClick={() => void runCommand('feed.export')}>
          Export NDJSON
        </button>
        <span className="spacer" />
        <span className="feed-counters small" aria-live="polite">
          {paused && <span className="warn-text">paused{waiting > 0 ? `: ${waiting.toLocaleString()} waiting` : ''} · </span>}
          <span>
            {feedWindow.filtered ? `${rows.toLocaleString()} of ${feedWindow.size.toLocaleString()}` : rows.toLocaleString()} rows
          </span>
          {feedWindow.evicted > 0 && <span className="muted" title={`the renderer keeps the newest ${FEED_WINDOW.toLocaleString()} entries`}> · window full</span>}
          {olderLoaded > 0 && <span className="muted"> · {olderLoaded} older matches loaded</span>}
          <span className={dropped > 0 ? 'error-text' : 'muted'} title="entries the host could not deliver to this window in time">
            {' '}
            · dropped {dropped.toLocaleString()}
          </span>
        </span>
      </header>
      {problems.length > 0 && <div className="filter-problems small error-text">{problems.join(' · ')}</div>}
      <div className="feed-body">
        <FeedGrid />
        {selectedId !== null && (
          <>
            <Splitter orientation="vertical" label="Resize entry details" value={detailsWidth} min={300} max={900} direction={-1} onChange={(v) => setLayout({ detailsWidth: v })} />
            <div className="details-wrap" style={{ width: detailsWidth }}>
              <FeedDetails />
            </div>
          </>
        )}
      </div>
    </section>
  );
}
