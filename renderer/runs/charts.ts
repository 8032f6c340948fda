import type { LatencySummary } from '../../shared/console-api/index.js';

/**
 * The Load tab's two charts, drawn on a canvas (a bar chart and a line need no chart library):
 * the latency histogram on a log scale with the percentiles marked, and completed calls per
 * second over the run. Colours come from the stylesheet's variables, so both themes work.
 */

interface Frame {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
  color: (name: string) => string;
}

const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

function frame(canvas: HTMLCanvasElement): Frame | undefined {
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const style = getComputedStyle(canvas);
  ctx.font = `11px ${style.getPropertyValue('--font') || 'sans-serif'}`;
  return { ctx, width, height, color: (name) => style.getPropertyValue(name).trim() || '#888' };
}

const label = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;

function axes(f: Frame, yMax: number, yLabel: string): void {
  const { ctx, width, height } = f;
  ctx.strokeStyle = f.color('--border-strong');
  ctx.fillStyle = f.color('--muted');
  ctx.beginPath();
  ctx.moveTo(PAD.left, PAD.top);
  ctx.lineTo(PAD.left, height - PAD.bottom);
  ctx.lineTo(width - PAD.right, height - PAD.bottom);
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(Math.round(yMax)), PAD.left - 4, PAD.top);
  ctx.fillText('0', PAD.left - 4, height - PAD.bottom);
  ctx.save();
  ctx.translate(10, (height - PAD.bottom + PAD.top) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

/** Bars of equal width on a log axis of latency; p50/p90/p99/p99.9 as vertical lines. */
export function drawHistogram(
  canvas: HTMLCanvasElement,
  bars: readonly { upToMs: number; count: number }[],
  latency: LatencySummary,
): void {
  const f = frame(canvas);
  if (!f || bars.length === 0) return;
  const { ctx, width, height } = f;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const max = Math.max(...bars.map((b) => b.count), 1);
  axes(f, max, 'calls');
  const barW = plotW / bars.length;
  ctx.fillStyle = f.color('--accent');
  bars.forEach((b, i) => {
    const h = (b.count / max) * plotH;
    ctx.fillRect(PAD.left + i * barW + 1, PAD.top + plotH - h, Math.max(barW - 2, 1), h);
  });
  // The x axis is log-scaled: the first bar starts at the minimum, each bar covers the same ratio.
  const lo = Math.log(Math.max(latency.minMs, 0.001));
  const hi = Math.log(bars[bars.length - 1]!.upToMs);
  const x = (ms: number): number => PAD.left + ((Math.log(Math.max(ms, 0.001)) - lo) / Math.max(hi - lo, 1e-9)) * plotW;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = f.color('--muted');
  ctx.fillText(label(latency.minMs), PAD.left, height - PAD.bottom + 4);
  ctx.fillText(label(latency.maxMs), width - PAD.right - 20, height - PAD.bottom + 4);
  const marks: [string, number][] = [
    ['p50', latency.p50Ms],
    ['p90', latency.p90Ms],
    ['p99', latency.p99Ms],
    ['p99.9', latency.p999Ms],
  ];
  ctx.strokeStyle = f.color('--bad');
  ctx.fillStyle = f.color('--bad');
  ctx.setLineDash([4, 3]);
  marks.forEach(([name, ms], i) => {
    const at = Math.min(Math.max(x(ms), PAD.left), width - PAD.right);
    ctx.beginPath();
    ctx.moveTo(at, PAD.top);
    ctx.lineTo(at, PAD.top + plotH);
    ctx.stroke();
    ctx.textAlign = 'left';
    ctx.fillText(`${name} ${label(ms)}`, Math.min(at + 3, width - PAD.right - 80), PAD.top + i * 13);
  });
  ctx.setLineDash([]);
}

/** Completed calls in each second of the run, as a line with its points. */
export function drawThroughput(canvas: HTMLCanvasElement, perSecond: readonly number[]): void {
  const f = frame(canvas);
  if (!f || perSecond.length === 0) return;
  const { ctx, width, height } = f;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const max = Math.max(...perSecond, 1);
  axes(f, max, 'calls/s');
  const x = (i: number): number =>
    PAD.left + (perSecond.length === 1 ? plotW / 2 : (i / (perSecond.length - 1)) * plotW);
  const y = (v: number): number => PAD.top + plotH - (v / max) * plotH;
  ctx.strokeStyle = f.color('--ok');
  ctx.fillStyle = f.color('--ok');
  ctx.lineWidth = 2;
  ctx.beginPath();
  perSecond.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
  perSecond.forEach((v, i) => ctx.fillRect(x(i) - 2, y(v) - 2, 4, 4));
  ctx.fillStyle = f.color('--muted');
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0 s', PAD.left, height - PAD.bottom + 4);
  ctx.fillText(`${perSecond.length} s`, width - PAD.right - 10, height - PAD.bottom + 4);
}
