// Fault (e) of docs/delivery.md: the gateway under a small heap (--max-old-space-size=32) serves a
// steady stream of calls through RabbitMQ and a back end, and what it holds per call and per
// connection stays flat. `npm run bench -- soak` runs 1 M calls under 64 MB.
import { describe, expect, it } from 'vitest';
import { gatewaySoak } from '../../support/faults.js';

const IN_FLIGHT = 64;

describe('fault (e): the gateway under a 32 MB heap, 60 000 calls', () => {
  it('serves them all; its per-call structures stay bounded by the calls in flight and its heap after GC does not grow', async () => {
    const result = await gatewaySoak({ calls: 60_000, sampleEvery: 20_000, heapMb: 32, inFlight: IN_FLIGHT });
    console.log(
      JSON.stringify(
        result.samples.map((s) => ({
          calls: s.calls,
          heapUsed: s.stats.heapUsed,
          rss: s.stats.rss,
          footprint: s.stats.footprint,
        })),
      ),
    );
    expect(result.gatewayRunning).toBe(true);
    expect(result.failed).toBe(0);
    expect(result.answered).toBe(60_000);
    expect(result.samples.map((s) => s.calls)).toEqual([0, expect.any(Number), expect.any(Number), expect.any(Number)]);
    for (const { stats } of result.samples) {
      expect(stats.footprint.awaitingReplies).toBeLessThanOrEqual(IN_FLIGHT);
      // The forwarded-call memory's own bound (4 × live + 3 × 1024), whatever number went through.
      expect(stats.footprint.forwardedCallSlots).toBeLessThanOrEqual(4 * IN_FLIGHT + 3 * 1024);
      expect(stats.footprint.connections).toBeLessThanOrEqual(4);
      expect(stats.footprint.userIds).toBeLessThanOrEqual(4);
    }
    // Heap after GC: the same after 20 000 calls as after 60 000 (the leak added ~150 bytes a call: 6 MB here).
    const [, first, , last] = result.samples;
    expect(last!.stats.heapUsed - first!.stats.heapUsed).toBeLessThan(2 * 1024 * 1024);
  }, 600_000);
});
