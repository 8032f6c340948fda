// `npm run bench -- soak`: 1 M two-way echo calls, 64 in flight, through tce-gateway (run with
// --max-old-space-size=64) + RabbitMQ + the sample back end; the gateway's RSS and heap after a
// GC at 0, 250 k, 500 k, 750 k and 1 M calls, and what it holds per call and per connection.
// Goal: flat within 10 MB. The same code, shorter, is test/integration/faults-gateway-memory.test.ts.
import { gatewaySoak } from '../support/faults.js';
import type { BenchRow } from './types.js';

const CALLS = Number(process.env['TCE_SOAK_CALLS'] ?? 1_000_000);
const HEAP_MB = 64;
const MB = 1024 * 1024;

export async function benchSoak(): Promise<BenchRow[]> {
  const result = await gatewaySoak({ calls: CALLS, sampleEvery: CALLS / 4, heapMb: HEAP_MB, inFlight: 64 });
  if (!result.gatewayRunning)
    throw new Error(`the gateway died during the soak (under --max-old-space-size=${HEAP_MB})`);
  const label = (calls: number): string =>
    calls === 0 ? '0' : calls >= 999_500 ? `${Math.round(calls / 100_000) / 10} M` : `${Math.round(calls / 1000)} k`;
  const rows: BenchRow[] = [
    {
      name: `gateway soak: ${CALLS.toLocaleString('en-US')} calls, ${HEAP_MB} MB heap, calls/s`,
      value: result.callsPerSecond,
      unit: 'calls/s',
    },
    { name: 'gateway soak: calls failed', value: result.failed, unit: 'calls', goal: '0' },
  ];
  for (const { calls, stats } of result.samples) {
    rows.push({ name: `gateway soak: RSS after GC at ${label(calls)} calls`, value: stats.rss / MB, unit: 'MB' });
    rows.push({ name: `gateway soak: heap after GC at ${label(calls)} calls`, value: stats.heapUsed / MB, unit: 'MB' });
    rows.push({
      name: `gateway soak: forwarded-call slots at ${label(calls)} calls`,
      value: stats.footprint.forwardedCallSlots,
      unit: 'entries',
    });
  }
  // From the first loaded sample: the gateway's warm-up (code, buffers) is not growth.
  const loaded = result.samples.slice(1);
  const spread = (pick: (s: (typeof loaded)[number]) => number): number =>
    (Math.max(...loaded.map(pick)) - Math.min(...loaded.map(pick))) / MB;
  rows.push({
    name: `gateway soak: RSS spread after GC, ${label(loaded[0]!.calls)} → ${label(CALLS)} calls`,
    value: spread((s) => s.stats.rss),
    unit: 'MB',
    goal: '≤ 10 MB (flat)',
  });
  rows.push({
    name: `gateway soak: heap spread after GC, ${label(loaded[0]!.calls)} → ${label(CALLS)} calls`,
    value: spread((s) => s.stats.heapUsed),
    unit: 'MB',
    goal: '≤ 10 MB (flat)',
  });
  return rows;
}
