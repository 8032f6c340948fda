/**
 * How far apart a reconnecting component spaces its attempts: exponential backoff with jitter,
 * the parameters of grpc-js's connection backoff. Every component that reconnects (RPC client,
 * AMQP transport and its channels, gateway queue link, the renderer's host bridge) uses this one.
 */
export interface BackoffOptions {
  /** The delay before the first retry, exact (no jitter): a log line can say what it will be. */
  initialDelayMs?: number;
  /** Each following delay is the previous one times this. Default 1.6. */
  multiplier?: number;
  /** No delay is longer. */
  maxDelayMs?: number;
  /**
   * Delays after the first vary at random by up to ± this fraction, so that clients that lost
   * their server together do not all come back in the same instant. Default 0.2.
   */
  jitter?: number;
}

/** A number in [0, 1), as Math.random gives; tests pass a fixed sequence. */
export type RandomSource = () => number;

export class Backoff {
  private readonly initial: number;
  private readonly multiplier: number;
  private readonly max: number;
  private readonly jitter: number;

  /** `defaults` are the component's own initial and maximum delay, used where `options` leave them out. */
  constructor(
    options: BackoffOptions,
    defaults: { initialDelayMs: number; maxDelayMs: number },
    private readonly random: RandomSource = Math.random,
  ) {
    this.initial = Math.max(0, options.initialDelayMs ?? defaults.initialDelayMs);
    this.max = Math.max(this.initial, options.maxDelayMs ?? defaults.maxDelayMs);
    this.multiplier = Math.max(1, options.multiplier ?? 1.6);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  }

  /** The delay in milliseconds before retry number `attempt` (1 after the first failure). */
  delay(attempt: number): number {
    if (attempt <= 1) return this.initial;
    // The base stops at max / (1 + jitter), so that the largest draw lands on max: capping the
    // jittered delay instead would put every upward draw of a long outage on the same value.
    const ceiling = this.max / (1 + this.jitter);
    const base = Math.min(ceiling, this.initial * this.multiplier ** Math.min(attempt - 1, 64));
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.round(base + spread));
  }
}

/** A delay for log lines: `0.5 s`, `2.3 s`. */
export const secondsText = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
