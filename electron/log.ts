import { setTracing, TRACE_CATEGORIES, type Log } from '../shared/log.js';

/**
 * TCE_TRACE for this process: which categories' trace lines the logs keep (see shared/log.ts).
 * Every Node entry point (the CLIs, the Electron shell) calls it once at start; a name it does
 * not know is said on standard error, not fatal.
 */
export function traceFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const unknown = setTracing(env['TCE_TRACE']);
  if (unknown.length > 0)
    process.stderr.write(
      `TCE_TRACE: unknown categor${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')} (known: ${TRACE_CATEGORIES.join(', ')}, all)\n`,
    );
}

/** The default log of a component nobody gave one: `[name] message` on standard error. */
export const consoleLog =
  (name: string): Log =>
  (level, message) =>
    console.warn(`[${name}] ${level === 'info' || level === 'warn' ? '' : `${level}: `}${message}`);
