// Where a page's long frames come from: a Chromium trace of a stretch of the run (CDP Tracing),
// read back as the renderer main thread's tasks. Each task over the threshold is named by what
// started it (a WebSocket message, an animation frame, React's scheduler, a key press…) and
// charged with the garbage collection, style/layout and paint inside it, and with the CPU time
// the thread really got (on a loaded machine a task's wall time is mostly waiting for a CPU).
import { writeFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** The thread's CPU time within the event (µs): less than `dur` when it waited for a CPU. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { type?: string; functionName?: string; url?: string } };
}

export interface LongTaskSummary {
  /** What started the task → how many long tasks, their total and longest duration (ms), their CPU time, GC and layout inside them (ms). */
  byCause: Record<
    string,
    { count: number; totalMs: number; maxMs: number; cpuMs: number; gcMs: number; layoutMs: number }
  >;
  longTasks: number;
  /** Wall time of all main-thread tasks, and the CPU time the thread got in them (ms): the rest it waited for a CPU. */
  taskMs: number;
  taskCpuMs: number;
  longTaskMs: number;
  longTaskCpuMs: number;
  /** Garbage collection on the main thread over the whole trace (ms), and its longest pause. */
  gcMs: number;
  gcMaxMs: number;
  seconds: number;
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'blink.user_timing',
  '__metadata',
].join(',');

/**
 * Starts tracing; the returned function stops it and summarizes tasks longer than `thresholdMs`
 * (and writes the whole trace to `saveTo`, for Chromium's Performance panel, when given).
 */
export async function traceLongTasks(
  cdp: CDPSession,
  thresholdMs = 50,
  saveTo?: string,
): Promise<() => Promise<LongTaskSummary>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    if (saveTo) writeFileSync(saveTo, JSON.stringify({ traceEvents: events }));
    return summarize(events, thresholdMs);
  };
}

const isGc = (name: string): boolean => /GC|Scavenge|MarkCompact|Sweep/i.test(name) && !/GCEvent$/.test(name);
const isLayout = (name: string): boolean =>
  [
    'Layout',
    'UpdateLayoutTree',
    'Paint',
    'PrePaint',
    'Layerize',
    'ScheduleStyleRecalculation',
    'RecalculateStyles',
  ].includes(name);

function cause(children: TraceEvent[]): string {
  for (const c of children) {
    if (c.name === 'EventDispatch') return `event ${c.args?.data?.type ?? '?'}`;
    if (c.name === 'FireAnimationFrame') return 'animation frame (feed flush: append, filter, store update)';
    if (c.name === 'TimerFire') return 'timer';
    if (c.name === 'FunctionCall') return `script ${c.args?.data?.functionName || '(anonymous)'}`;
    if (isGc(c.name)) return 'garbage collection';
    if (isLayout(c.name)) return 'style, layout, paint';
  }
  return 'other';
}

function summarize(events: TraceEvent[], thresholdMs: number): LongTaskSummary {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const byCause: LongTaskSummary['byCause'] = {};
  let longTasks = 0;
  let [taskMs, taskCpuMs, longTaskMs, longTaskCpuMs] = [0, 0, 0, 0];
  const gcs = onMain.filter((e) => isGc(e.name));
  for (const task of tasks) {
    const ms = task.dur! / 1000;
    const cpu = (task.tdur ?? task.dur!) / 1000;
    taskMs += ms;
    taskCpuMs += cpu;
    if (ms <= thresholdMs) continue;
    longTasks++;
    longTaskMs += ms;
    longTaskCpuMs += cpu;
    const end = task.ts + task.dur!;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= end);
    const kind = cause(inside.filter((e) => e.name !== 'RunTask'));
    const row = (byCause[kind] ??= { count: 0, totalMs: 0, maxMs: 0, cpuMs: 0, gcMs: 0, layoutMs: 0 });
    row.count++;
    row.totalMs += ms;
    row.cpuMs += cpu;
    row.maxMs = Math.max(row.maxMs, ms);
    row.gcMs += topLevel(inside.filter((e) => isGc(e.name))) / 1000;
    row.layoutMs += topLevel(inside.filter((e) => isLayout(e.name))) / 1000;
  }
  const first = onMain[0]?.ts ?? 0;
  const last = onMain.length ? onMain[onMain.length - 1]!.ts : 0;
  return {
    byCause,
    longTasks,
    taskMs,
    taskCpuMs,
    longTaskMs,
    longTaskCpuMs,
    gcMs: topLevel(gcs) / 1000,
    gcMaxMs: Math.max(0, ...gcs.map((g) => g.dur! / 1000)),
    seconds: (last - first) / 1e6,
  };
}

/** Total duration of events, nested ones counted once (µs). */
function topLevel(events: TraceEvent[]): number {
  let total = 0;
  let until = -Infinity;
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const end = e.ts + e.dur!;
    if (e.ts >= until) total += e.dur!;
    else if (end > until) total += end - until;
    until = Math.max(until, end);
  }
  return total;
}
