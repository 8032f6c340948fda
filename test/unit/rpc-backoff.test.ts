// The one reconnect backoff (shared/rpc/backoff.ts), with an injected random source.
import { describe, expect, it } from 'vitest';
import { Backoff, secondsText } from '../../shared/rpc/backoff.js';

const defaults = { initialDelayMs: 100, maxDelayMs: 5_000 };
/** A random source that always draws `r`. */
const always = (r: number) => () => r;

describe('Backoff', () => {
  it('waits exactly the initial delay before the first retry, whatever the draw', () => {
    expect(new Backoff({}, defaults, always(0)).delay(1)).toBe(100);
    expect(new Backoff({}, defaults, always(0.999)).delay(1)).toBe(100);
  });

  it('grows each delay by the multiplier (1.6 by default) when the draw is the middle', () => {
    const backoff = new Backoff({}, defaults, always(0.5));
    expect([2, 3, 4, 5].map((n) => backoff.delay(n))).toEqual([160, 256, 410, 655]);
    expect(new Backoff({ multiplier: 2 }, defaults, always(0.5)).delay(4)).toBe(800);
  });

  it('spreads a delay by up to ± the jitter fraction (0.2 by default)', () => {
    expect(new Backoff({}, defaults, always(0)).delay(2)).toBe(128); // 160 × 0.8
    expect(new Backoff({}, defaults, always(0.9999)).delay(2)).toBe(192); // 160 × 1.2
    expect(new Backoff({ jitter: 0.5 }, defaults, always(0)).delay(2)).toBe(80);
    expect(new Backoff({ jitter: 0 }, defaults, always(0)).delay(2)).toBe(160);
  });

  it('never exceeds the maximum, and long outages still spread below it', () => {
    const high = new Backoff({}, defaults, always(0.9999));
    const low = new Backoff({}, defaults, always(0));
    for (const attempt of [10, 20, 1_000, 1e9]) {
      expect(high.delay(attempt)).toBe(5_000);
      expect(low.delay(attempt)).toBe(3_333); // 5000 / 1.2 × 0.8
    }
  });

  it("takes the component's defaults where the options leave them out", () => {
    const backoff = new Backoff({ maxDelayMs: 300, jitter: 0 }, defaults, always(0.5));
    expect([1, 2, 3, 4].map((n) => backoff.delay(n))).toEqual([100, 160, 256, 300]);
    expect(new Backoff({ initialDelayMs: 20 }, defaults).delay(1)).toBe(20);
  });

  it('says a delay in seconds to a tenth', () => {
    expect(secondsText(500)).toBe('0.5 s');
    expect(secondsText(2_345)).toBe('2.3 s');
  });
});
