import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import type { FeedEntry } from '../../shared/console-api/index.js';
import { selectEntry } from '../actions/feed.js';
import { feedWindow, useFeed } from '../stores/feed.js';
import { COLUMNS, GRID_TEMPLATE } from './columns.js';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;

/**
 * The live feed as a virtualized ARIA grid: only the rows on screen exist in the DOM, rows have
 * no React state, and the grid re-renders at most once per animation frame (the store's
 * `version`). Following the newest row locks when the user scrolls up; "N new ↓" brings it back.
 */
export function FeedGrid() {
  const version = useFeed((s) => s.version);
  const selectedId = useFeed((s) => s.selectedId);
  const correlation = useFeed((s) => s.selectedCorrelation);
  const viewport = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 300 });
  const follow = useRef(true);
  const [following, setFollowing] = useState(true);
  const appendedAtUnfollow = useRef(0);
  const evictedSeen = useRef(feedWindow.rowsEvicted);
  const scrollFrame = useRef(0);

  const rowCount = feedWindow.rowCount;

  // Keep the view: follow the newest row, or stay on the same rows while old ones leave the window.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const evicted = feedWindow.rowsEvicted - evictedSeen.current;
    evictedSeen.current = feedWindow.rowsEvicted;
    if (follow.current) el.scrollTop = el.scrollHeight;
    else if (evicted > 0) el.scrollTop = Math.max(0, el.scrollTop - evicted * ROW_HEIGHT);
    if (el.scrollTop !== view.top || el.clientHeight !== view.height) setView({ top: el.scrollTop, height: el.clientHeight });
  }, [version, rowCount, view.top, view.height]);

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
    setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT);
    if (scrollFrame.current) return;
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = 0;
      setView({ top: el.scrollTop, height: el.clientHeight });
    });
  };

  const jumpToNewest = (): void => {
    setFollow(true);
    const el = viewport.current!;
    el.scrollTop = el.scrollHeight;
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
      selectEntry(null);
      return;
    }
    if (next === undefined || rowCount === 0) return;
    e.preventDefault();
    next = Math.max(0, Math.min(rowCount - 1, next));
    const entry = feedWindow.rowAt(next);
    if (!entry) return;
    selectEntry(entry.id);
    const el = viewport.current!;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    setFollow(next === rowCount - 1);
  };

  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const rows: FeedEntry[] = [];
  for (let i = first; i < last; i++) rows.push(feedWindow.rowAt(i)!);
  const newCount = following ? 0 : feedWindow.rowsAppended - appendedAtUnfollow.current;

  return (
    <div className="feed-grid-wrap">
      <div
        className="feed-grid"
        role="grid"
        aria-label="Live feed"
        aria-rowcount={rowCount + 1}
        aria-colcount={COLUMNS.length}
        aria-multiselectable={false}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={selectedId !== null ? `feed-row-${selectedId}` : undefined}
      >
        <div className="feed-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: GRID_TEMPLATE }}>
          {COLUMNS.map((c) => (
            <div key={c.id} role="columnheader" className={`feed-cell ${c.className ?? ''}`}>
              {c.title}
            </div>
          ))}
        </div>
        <div className="feed-viewport" ref={viewport} onScroll={onScroll}>
          <div className="feed-spacer" style={{ height: rowCount * ROW_HEIGHT }}>
            <div role="rowgroup" className="feed-rows" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
              {rows.map((e, i) => (
                <div
                  key={e.id}
                  id={`feed-row-${e.id}`}
                  role="row"
                  aria-rowindex={first + i + 2}
                  aria-selected={e.id === selectedId}
                  className={rowClass(e, selectedId, correlation)}
                  style={{ gridTemplateColumns: GRID_TEMPLATE }}
                  onClick={() => selectEntry(e.id)}
                >
                  {COLUMNS.map((c) => (
                    <div key={c.id} role="gridcell" className={`feed-cell ${c.className ?? ''}`}>
                      {c.id === 'call' && e.push ? <span className="push-badge">PUSH</span> : null}
                      {c.id === 'call' && e.mock ? <span className="mock-badge" title={`answered by the mock: ${e.mock}`}>MOCK {e.mock}</span> : null}
                      {c.id === 'call' && e.kind !== 'call' ? <span className={`kind-badge kind-${e.kind}`}>{e.kind}</span> : null}
                      {c.cell(e)}
                    </div>
                  ))}
                </div>
              ))}
            </div>
          </div>
          {rowCount === 0 && <FeedEmpty />}
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

function rowClass(e: FeedEntry, selectedId: number | null, correlation: string | null): string {
  let c = `feed-row dir-${e.direction} kind-${e.kind}`;
  if (e.push) c += ' push';
  if (e.errcode !== 0 || e.kind === 'error') c += ' failed';
  if (e.id === selectedId) c += ' selected';
  else if (correlation !== null && e.correlation === correlation) c += ' related';
  return c;
}

function FeedEmpty() {
  const filtered = feedWindow.filtered;
  const size = feedWindow.size;
  const paused = useFeed((s) => s.paused);
  const waiting = useFeed((s) => s.waiting);
  return (
    <div className="feed-empty">
      {paused ? (
        <p>Paused{waiting > 0 ? `: ${waiting.toLocaleString()} entries wait in the host` : ''}. Resume to see them — none are lost while they stay in its buffer.</p>
      ) : filtered && size > 0 ? (
        <p>No entry of the {size.toLocaleString()} in the window matches the filter.</p>
      ) : (
        <>
          <p>No messages yet.</p>
          <p className="muted small">Every message the console, the gateways, the queues and the sandbox's servers see appears here, decoded. Invoke a method to see one.</p>
        </>
      )}
    </div>
  );
}
