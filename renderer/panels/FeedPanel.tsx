import { activateView, clearFeed, closeCapture, setFeedQuery, toggleFeedPause } from '../actions/feed.js';
import { runCommand } from '../commands.js';
import { Dialog } from '../components/Dialog.js';
import { Splitter } from '../components/Splitter.js';
import { FeedDetails } from '../feed/FeedDetails.js';
import { count } from '../feed/columns.js';
import { FeedGrid } from '../feed/FeedGrid.js';
import { FilterBox } from '../feed/FilterBox.js';
import { activeView, FEED_WINDOW, LIVE, useFeed, windowOf } from '../stores/feed.js';
import { setLayout, useUi, toastFailure } from '../stores/ui.js';

/** Replaces (or removes) one `field:value` token of the filter text. */
function withToken(query: string, field: string, value: string): string {
  const rest = query.replace(new RegExp(`(^|\\s)${field}:\\S+`, 'g'), '').trim();
  return value ? `${rest} ${field}:${value}`.trim() : rest;
}

const tokenValue = (query: string, field: string): string =>
  new RegExp(`(?:^|\\s)${field}:(\\S+)`).exec(query)?.[1] ?? '';

/**
 * The feed: the live view and any imported captures as tabs, each with its filter, its
 * virtualized grid and the selected entry's details or whole call.
 */
export function FeedPanel() {
  const view = useFeed((s) => activeView(s));
  const order = useFeed((s) => s.order);
  const views = useFeed((s) => s.views);
  const detailsWidth = useUi((s) => s.layout.detailsWidth);
  const confirmClear = useFeed((s) => s.confirmingClear);
  const setConfirmClear = (on: boolean): void => useFeed.setState({ confirmingClear: on });
  const act = (f: () => Promise<unknown>): void => toastFailure(f);
  const live = view.id === LIVE;

  return (
    <section className="panel feed-panel" aria-label="Live feed">
      <header className="panel-header feed-toolbar">
        <h2 className="panel-title">Live feed</h2>
        {order.length > 1 && (
          <div className="feed-tabs" role="tablist" aria-label="Feed views">
            {order.map((id) => (
              <span key={id} className={`feed-tab ${id === view.id ? 'active' : ''}`}>
                <button
                  type="button"
                  role="tab"
                  aria-selected={id === view.id}
                  onClick={() => activateView(id)}
                  title={views[id]!.capture ? `capture (read-only): ${views[id]!.title}` : 'the live feed'}
                >
                  {views[id]!.capture ? views[id]!.title : 'Live'}
                </button>
                {views[id]!.capture && (
                  <button
                    type="button"
                    className="tab-close"
                    aria-label={`Close capture ${views[id]!.title}`}
                    onClick={() => closeCapture(id)}
                  >
                    ✕
                  </button>
                )}
              </span>
            ))}
          </div>
        )}
        <span className="spacer" />
        <Counters viewId={view.id} />
        {live ? (
          <PauseButton />
        ) : (
          <span className="tag small" title="Imported entries: nothing joins or leaves this tab">
            read-only capture
          </span>
        )}
        {live && (
          <button type="button" className="btn btn-small" onClick={() => void runCommand('feed.clear')}>
            Clear
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => void runCommand('feed.export')}>
          Export NDJSON
        </button>
        <button
          type="button"
          className="btn btn-small"
          aria-label="Import feed entries"
          title="Open an NDJSON export as a read-only capture tab"
          onClick={() => void runCommand('feed.import')}
        >
          Import…
        </button>
      </header>
      <div className="feed-filter-bar">
        <FilterBox viewId={view.id} />
        <select
          className="input input-small"
          aria-label="Direction"
          value={tokenValue(view.query, 'dir')}
          onChange={(e) => setFeedQuery(withToken(view.query, 'dir', e.target.value), view.id)}
        >
          <option value="">both ways</option>
          <option value="in">in</option>
          <option value="out">out</option>
        </select>
        <select
          className="input input-small"
          aria-label="Hop"
          value={tokenValue(view.query, 'hop')}
          onChange={(e) => setFeedQuery(withToken(view.query, 'hop', e.target.value), view.id)}
        >
          <option value="">all hops</option>
          <option value="console">console</option>
          <option value="gateway">gateway</option>
          <option value="queue">queue</option>
          <option value="server">server</option>
        </select>
      </div>
      <div className="feed-body">
        <FeedGrid key={view.id} viewId={view.id} label={live ? 'Live feed' : `Capture ${view.title}`} />
        {view.selectedId !== null && (
          <>
            <Splitter
              orientation="vertical"
              label="Resize entry details"
              value={detailsWidth}
              min={300}
              max={900}
              direction={-1}
              onChange={(v) => setLayout({ detailsWidth: v })}
            />
            <div className="details-wrap" style={{ width: `min(${detailsWidth}px, 40%)` }}>
              <FeedDetails viewId={view.id} />
            </div>
          </>
        )}
      </div>
      {confirmClear && (
        <Dialog
          title="Clear the live feed?"
          onClose={() => setConfirmClear(false)}
          actions={
            <>
              <button type="button" className="btn" onClick={() => setConfirmClear(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn-danger"
                onClick={() => (setConfirmClear(false), act(() => clearFeed('everyone')))}
              >
                Clear for everyone
              </button>
              <button
                type="button"
                className="btn btn-primary"
                autoFocus
                onClick={() => (setConfirmClear(false), act(() => clearFeed('window')))}
              >
                Clear this window
              </button>
            </>
          }
        >
          <p>
            <strong>Clear this window</strong> empties this window's view; the host keeps its buffer, and other windows
            keep theirs.
          </p>
          <p>
            <strong>Clear for everyone</strong> also empties the host's buffer: no window can query, export or follow
            those entries any more.
          </p>
        </Dialog>
      )}
    </section>
  );
}

function PauseButton() {
  const paused = useFeed((s) => s.paused);
  return (
    <button
      type="button"
      className={`btn btn-small ${paused ? 'btn-primary' : ''}`}
      onClick={() => toastFailure(() => toggleFeedPause())}
      aria-pressed={paused}
    >
      {paused ? 'Resume' : 'Pause'}
    </button>
  );
}

function Counters({ viewId }: { viewId: string }) {
  useFeed((s) => s.version);
  const paused = useFeed((s) => s.paused && viewId === LIVE);
  const waiting = useFeed((s) => s.waiting);
  const dropped = useFeed((s) => s.dropped);
  const olderLoaded = useFeed((s) => s.views[viewId]?.olderLoaded ?? 0);
  const window = windowOf(viewId);
  const rows = window.rowCount;
  return (
    <span className="feed-counters small" aria-live="polite">
      {paused && <span className="warn-text">paused{waiting > 0 ? `: ${count(waiting)} waiting` : ''} · </span>}
      <span>{window.filtered ? `${count(rows)} of ${count(window.size)}` : count(rows)} rows</span>
      {viewId === LIVE && window.evicted > 0 && (
        <span className="muted" title={`the renderer keeps the newest ${FEED_WINDOW.toLocaleString('en-US')} entries`}>
          {' '}
          · window full
        </span>
      )}
      {olderLoaded > 0 && <span className="muted"> · {olderLoaded} older matches loaded</span>}
      {viewId === LIVE && (
        <span
          className={dropped > 0 ? 'error-text' : 'muted'}
          title="entries the host could not deliver to this window in time"
        >
          {' '}
          · dropped {count(dropped)}
        </span>
      )}
    </span>
  );
}
