/**
 * The one logger signature of the gateway, the runtime, the transports and the console host:
 * `(level, message)`. Trace lines are detail a developer turns on per category with the
 * environment variable TCE_TRACE (`TCE_TRACE=gateway,amqp`, or `all`); the Node entry points
 * read it (electron/log.ts), shared/ only keeps the choice, so it stays pure.
 */
export type LogLevel = 'trace' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string) => void;

export const TRACE_CATEGORIES = ['gateway', 'amqp', 'memory', 'rpc', 'host'] as const;
export type TraceCategory = (typeof TRACE_CATEGORIES)[number];

let traced = new Set<TraceCategory>();

/** Chooses the traced categories from a TCE_TRACE value; returns the names it does not know. */
export function setTracing(spec: string | undefined): string[] {
  const names = (spec ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const known = new Set<string>(TRACE_CATEGORIES);
  traced = new Set(
    names.includes('all') ? TRACE_CATEGORIES : TRACE_CATEGORIES.filter((category) => names.includes(category)),
  );
  return names.filter((name) => name !== 'all' && !known.has(name));
}

export const isTraced = (category: TraceCategory): boolean => traced.has(category);

/**
 * A trace line of `category` to `log`, when that category is traced. The message is a function so
 * that a hot path pays one set lookup, not a string, while tracing is off.
 */
export function trace(log: Log | undefined, category: TraceCategory, message: () => string): void {
  if (log && traced.has(category)) log('trace', `[${category}] ${message()}`);
}
