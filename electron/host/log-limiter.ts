import type { LogLevel } from '../../shared/log.js';

export type { LogLevel };

/**
 * Bounds the log lines that reach the bridges: a back end that logs every call would otherwise
 * send thousands of `log` events a second past the feed's flow control. Up to `burst` lines
 * pass at once, refilled at `perSecond`; what is held back is counted and reported in one line.
 */
export class LogLimiter {
  private tokens: number;
  private last = performance.now();
  private suppressed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: (level: LogLevel, message: string) => void,
    private readonly perSecond = 20,
    private readonly burst = 100,
  ) {
    this.tokens = burst;
  }

  log(level: LogLevel, message: string): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1 || level === 'error') {
      this.tokens = Math.max(0, this.tokens - 1);
      this.out(level, message);
      return;
    }
    this.suppressed++;
    this.timer ??= setTimeout(() => this.report(), 1000).unref();
  }

  private report(): void {
    this.timer = undefined;
    const n = this.suppressed;
    this.suppressed = 0;
    if (n > 0) this.out('info', `${n} more log line(s) not shown (more than ${this.perSecond} a second)`);
  }
}
