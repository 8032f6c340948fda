import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import type { FeedEntry } from '../../shared/console-api/index.js';
import { isAsyncCall } from '../../shared/console-api/feed-filter.js';
import { followCall, selectEntry } from '../actions/feed.js';
import { LIVE, useFeed, windowOf, type Restart } from '../stores/feed.js';
import { cellClass, COLUMNS, GRID_COLUMNS } from './columns.js';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;

/**
 * A feed view (the live feed or a capture) as a virtualized ARIA grid: only the rows on screen
 * exist in the DOM, rows have no React state, and the grid re-renders at most once per animation
 * frame (the store's `version`). Following the newest row locks when the user scrolls up;
 * "N new ↓" brings it back. Double-click or F follows a row's call.
 */
export function FeedGrid({ viewId, label }: { viewId: string; label: string }) {
  const feedWindow = windowOf(viewId);
  const version = useFeed((s) => s.version);
  const selectedId = useFeed((s) => s.views[viewId]?.selectedId ?? null);
  const correlation = useFeed((s) => s.views[viewId]?.selectedCorrelation ?? null);
  const restarts = useFeed((s) => (viewId === LIVE ? s.restarts : NO_RESTARTS));
  const viewport = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 300 });
  const follow = useRef(true);
  const [following, setFollowing] = useState(true);
  const appendedAtUnfollow = useRef(0);
  const shiftSeen = useRef(feedWindow.rowsEvicted - feedWindow.rowsPrepended);
  const scrollFrame = useRef(0);
  /** The scrollTop this component last wrote: comparing with it needs no layout. */
  const written = useRef(-1);

  const rowCount = feedWindow.rowCount;
  // Following, the newest rows are on screen: their place is known without asking the layout.
  const top = follow.current ? Math.max(0, rowCount * ROW_HEIGHT - view.height) : view.top;

  // Keep the view: follow the newest row, or stay on the same rows while old ones leave the
  // window (or older ones join in front, as a new filter fills in). One render per frame: the
  // rows drawn are already those at `top`; only the scroll position follows.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const shift = feedWindow.rowsEvicted - feedWindow.rowsPrepended;
    const moved = shift - shiftSeen.current;
    shiftSeen.current = shift;
    if (follow.current) {
      if (written.current !== top) el.scrollTop = written.current = top;
    } else if (moved !== 0) {
      const kept = Math.max(0, view.top - moved * ROW_HEIGHT);
      el.scrollTop = written.current = kept;
      setView((v) => ({ ...v, top: kept }));
    }
  }, [version, rowCount, top, view.top]);

  useEffect(() => {
    const el = viewport.current!;
    const observer = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const setFollow = (on: boolean): void => {
    if (follow.current === on) return;
    follow.current = on;
    if (!on) appendedAtUnfollow.current = feedWindow.rowsAppended;
    setFollowing(on);
  };

  const onScroll = (e: UIEvent<HTMLDivElement>): void => {
    const el = e.currentTarget;
    // The component's own scrolling (following) is no reason to stop following.
    if (el.scrollTop === written.current) return;
    const atEnd = el.scrollTop + el.clientHeight >= feedWindow.rowCount * ROW_HEIGHT - ROW_HEIGHT;
    if (atEnd !== follow.current) {
      // Leaving (or reaching) the end: draw the rows where the user is, now.
      setView({ top: el.scrollTop, height: el.clientHeight });
      setFollow(atEnd);
      return;
    }
    if (scrollFrame.current) return;
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = 0;
      setView((v) =>
        v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight },
      );
    });
  };

  const jumpToNewest = (): void => {
    written.current = -1;
    setFollow(true);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const at = selectedId === null ? -1 : feedWindow.indexOfId(selectedId);
    const page = Math.max(1, Math.floor(view.height / ROW_HEIGHT) - 1);
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page } as Record<string, number>;
    let next: number | undefined;
    if (e.key in step) next = at < 0 ? rowCount - 1 : at + step[e.key]!;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') {
      e.preventDefault();
      jumpToNewest();
      return;
    } else if (e.key === 'Escape') {
      selectEntry(null, viewId);
      return;
    } else if ((e.key === 'f' || e.key === 'F') && selectedId !== null) {
      followCall(selectedId, viewId);
      return;
    }
    if (next === undefined || rowCount === 0) return;
    e.preventDefault();
    next = Math.max(0, Math.min(rowCount - 1, next));
    const entry = feedWindow.rowAt(next);
    if (!entry) return;
    selectEntry(entry.id, viewId);
    const el = viewport.current!;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    setFollow(next === rowCount - 1);
  };

  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const rows: FeedEntry[] = [];
  for (let i = first; i < last; i++) rows.push(feedWindow.rowAt(i)!);
  const newCount = following ? 0 : feedWindow.rowsAppended - appendedAtUnfollow.current;

  return (
    <div className="feed-grid-wrap">
      <div
        className="feed-grid"
        role="grid"
        aria-label={label}
        aria-rowcount={rowCount + 1}
        aria-colcount={COLUMNS.length}
        aria-multiselectable={false}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={selectedId !== null ? `${viewId}-row-${selectedId}` : undefined}
        style={GRID_COLUMNS}
      >
        <div className="feed-head" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <div key={c.id} role="columnheader" className={cellClass(c)}>
              {c.title}
            </div>
          ))}
        </div>
        <div className="feed-viewport" ref={viewport} onScroll={onScroll}>
          <div className="feed-spacer" style={{ height: rowCount * ROW_HEIGHT }}>
            <div role="rowgroup" className="feed-rows" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
              {rows.map((e, i) => {
                // The first row after a sandbox restart (with rows before it) is marked.
                const prevId = i > 0 ? rows[i - 1]!.id : first > 0 ? feedWindow.rowAt(first - 1)!.id : undefined;
                const restart = prevId !== undefined && restarts.some((r) => prevId <= r.afterId && r.afterId < e.id);
                return (
                  <div
                    key={e.id}
                    id={`${viewId}-row-${e.id}`}
                    role="row"
                    aria-rowindex={first + i + 2}
                    aria-selected={e.id === selectedId}
                    className={rowClass(e, selectedId, correlation) + (restart ? ' restart-boundary' : '')}
                    title={
                      restart
                        ? 'The sandbox restarted before this entry: its gateways number their users from 1 again'
                        : undefined
                    }
                    onClick={() => selectEntry(e.id, viewId)}
                    onDoubleClick={() => followCall(e.id, viewId)}
                  >
                    {COLUMNS.map((c) => (
                      <div
                        key={c.id}
                        role="gridcell"
                        className={cellClass(c)}
                        title={c.id === 'user' || c.id === 'endpoint' || c.id === 'call' ? c.cell(e) : undefined}
                      >
                        {c.id === 'call' && <KindBadges entry={e} />}
                        {c.cell(e)}
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
          </div>
          {rowCount === 0 && <FeedEmpty viewId={viewId} />}
        </div>
      </div>
      {newCount > 0 && (
        <button type="button" className="new-rows" onClick={jumpToNewest}>
          {newCount.toLocaleString()} new ↓
        </button>
      )}
    </div>
  );
}

const NO_RESTARTS: readonly Restart[] = [];

/** PUSH, and the kind of anything but a plain two-way CALL: async and one-way calls alike. */
export function KindBadges({ entry: e }: { entry: FeedEntry }) {
  const kind = isAsyncCall(e) ? 'async' : e.kind === 'call' ? undefined : e.kind;
  return (
    <>
      {e.push && <span className="push-badge">PUSH</span>}
      {e.mock && (
        <span className="mock-badge" title={`answered by the mock: ${e.mock}`}>
          MOCK {e.mock}
        </span>
      )}
      {kind && <span className={`kind-badge kind-${kind}`}>{kind}</span>}
    </>
  );
}

function rowClass(e: FeedEntry, selectedId: number | null, correlation: string | null): string {
  let c = `feed-row dir-${e.direction} kind-${e.kind}`;
  if (e.push) c += ' push';
  if (e.errcode !== 0 || e.kind === 'error') c += ' failed';
  if (e.id === selectedId) c += ' selected';
  else if (correlation !== null && e.correlation === correlation) c += ' related';
  return c;
}

function FeedEmpty({ viewId }: { viewId: string }) {
  const feedWindow = windowOf(viewId);
  const filtered = feedWindow.filtered;
  const size = feedWindow.size;
  const paused = useFeed((s) => s.paused && viewId === LIVE);
  const waiting = useFeed((s) => s.waiting);
  return (
    <div className="feed-empty">
      {feedWindow.progress ? (
        <p>
          Filtering… {feedWindow.progress.done.toLocaleString('en-US')} of{' '}
          {feedWindow.progress.total.toLocaleString('en-US')} entries
        </p>
      ) : paused ? (
        <p>
          Paused{waiting > 0 ? `: ${waiting.toLocaleString()} entries wait in the host` : ''}. Resume to see them — none
          are lost while they stay in its buffer.
        </p>
      ) : filtered && size > 0 ? (
        <p>No entry of the {size.toLocaleString()} in the window matches the filter.</p>
      ) : (
        <>
          <p>No messages yet.</p>
          <p className="muted small">
            Every message the console, the gateways, the queues and the sandbox's servers see appears here, decoded.
            Invoke a method to see one.
          </p>
        </>
      )}
    </div>
  );
}
