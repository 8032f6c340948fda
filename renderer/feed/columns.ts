import type { FeedEntry } from '../../shared/console-api/index.js';

/** The grid's columns: header, CSS width, and how a cell reads an entry. */
export interface Column {
  id: string;
  title: string;
  width: string;
  cell: (e: FeedEntry) => string;
  className?: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
export function clock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `0.4 ms`, `12.3 ms`, `3.00 s`: short enough for the column. */
export const duration = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

export const callName = (e: FeedEntry): string =>
  e.interface && e.method ? `${e.interface}.${e.method}` : e.interface ? `${e.interface} #${e.opidx}` : `if ${e.ifidx} op ${e.opidx}`;

export const COLUMNS: Column[] = [
  { id: 'time', title: 'Time', width: '104px', cell: (e) => clock(e.time), className: 'mono' },
  { id: 'hop', title: 'Hop', width: '70px', cell: (e) => e.hop },
  { id: 'dir', title: 'Dir', width: '58px', cell: (e) => (e.direction === 'in' ? '→ in' : '← out') },
  { id: 'endpoint', title: 'Endpoint', width: 'minmax(110px, 1fr)', cell: (e) => e.endpoint },
  { id: 'user', title: 'User', width: '72px', cell: (e) => e.userId ?? '' },
  { id: 'seq', title: 'Seq', width: '64px', cell: (e) => String(e.sequence), className: 'num mono' },
  { id: 'call', title: 'Interface.method', width: 'minmax(160px, 2fr)', cell: callName },
  { id: 'size', title: 'Size', width: '60px', cell: (e) => `${e.size} B`, className: 'num' },
  { id: 'latency', title: 'Latency', width: '70px', cell: (e) => (e.latencyMs === undefined ? '' : duration(e.latencyMs)), className: 'num' },
];

export const GRID_TEMPLATE = COLUMNS.map((c) => c.width).join(' ');
