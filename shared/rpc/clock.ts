/** The few timing globals shared/ may use (Node and browsers both have them). */
declare const performance: { now(): number; readonly timeOrigin: number };

/**
 * Epoch milliseconds with a sub-millisecond fraction (Date.now() counts whole milliseconds, so
 * a 0.3 ms hop would read 0 or 1 ms). Monotonic within a process.
 */
export const epochNow = (): number => performance.timeOrigin + performance.now();
