import type { FeedEntry } from '../../shared/console-api/index.js';
import { userLabel } from '../../shared/console-api/feed-filter.js';

/** The grid's columns: header, CSS width (and in a narrow grid: null hides it), and how a cell reads an entry. */
export interface Column {
  id: string;
  title: string;
  width: string;
  narrow: string | null;
  cell: (e: FeedEntry) => string;
  className?: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `12:03:04.123` for whole milliseconds, `12:03:04.123456` where the time was measured finer. */
export function clock(t: number): string {
  const d = new Date(t);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return Number.isInteger(t) ? base : `${base}${pad(Math.floor((t % 1) * 1000), 3)}`;
}

/**
 * `0.042 ms`, `12.3 ms`, `3.00 s` where measured below a millisecond; whole-millisecond times
 * (an older capture) give `< 1 ms` rather than a made-up `0.0 ms`.
 */
export function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (Number.isInteger(ms)) return ms === 0 ? '< 1 ms' : `${ms} ms`;
  return ms < 1 ? `${ms.toFixed(3)} ms` : ms < 100 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

/** `test.Server.echo`; an error RETURN whose CALL this hop never saw says so rather than "if 0 op 0". */
export function callName(e: FeedEntry): string {
  if (e.interface && e.method) return `${e.interface}.${e.method}`;
  if (e.kind === 'error') return 'error RETURN (its CALL was not seen at this hop)';
  return e.interface ? `${e.interface} #${e.opidx}` : `if ${e.ifidx} op ${e.opidx}`;
}

/** `70,077`: thousands separated, as toLocaleString('en-US') does, at a fraction of its cost (it runs for every cell drawn). */
export const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const bytes = (n: number): string => `${count(n)} B`;

export const COLUMNS: Column[] = [
  { id: 'time', title: 'Time', width: '126px', narrow: '122px', cell: (e) => clock(e.time), className: 'mono' },
  // A narrow grid drops Dir: the hop cell shows the direction as an arrow then (app.css).
  { id: 'hop', title: 'Hop', width: '64px', narrow: '80px', cell: (e) => e.hop, className: 'col-hop' },
  { id: 'dir', title: 'Dir', width: '54px', narrow: null, cell: (e) => (e.direction === 'in' ? '→ in' : '← out') },
  {
    id: 'endpoint',
    title: 'Endpoint',
    width: 'minmax(90px, 1fr)',
    narrow: 'minmax(64px, 1fr)',
    cell: (e) => e.endpoint,
  },
  { id: 'user', title: 'User', width: 'minmax(70px, 0.7fr)', narrow: 'minmax(70px, 0.8fr)', cell: userLabel },
  { id: 'seq', title: 'Seq', width: '56px', narrow: null, cell: (e) => String(e.sequence), className: 'num mono' },
  { id: 'call', title: 'Interface.method', width: 'minmax(150px, 2fr)', narrow: 'minmax(120px, 2fr)', cell: callName },
  { id: 'size', title: 'Size', width: '90px', narrow: '80px', cell: (e) => bytes(e.size), className: 'num' },
  {
    id: 'latency',
    title: 'Latency',
    width: '80px',
    narrow: '74px',
    cell: (e) => (e.latencyMs === undefined ? '' : duration(e.latencyMs)),
    className: 'num',
  },
];

/** Both layouts as CSS variables on the grid; a container query picks one (app.css, `.feed-grid`). */
export const GRID_COLUMNS = {
  '--cols-wide': COLUMNS.map((c) => c.width).join(' '),
  '--cols-narrow': COLUMNS.flatMap((c) => (c.narrow === null ? [] : [c.narrow])).join(' '),
} as Record<string, string>;

/** A cell's classes: its own, and whether a narrow grid hides it. */
export const cellClass = (c: Column): string =>
  `feed-cell ${c.className ?? ''}${c.narrow === null ? ' hide-narrow' : ''}`;
