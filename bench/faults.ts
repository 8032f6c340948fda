// `npm run bench -- faults`: the fault-injection scenarios of docs/delivery.md (the same code as
// test/integration/faults-*.test.ts), counted per call and printed as one table; case (c) also
// with --ack-on-receipt, the original's acknowledgement, for comparison.
import {
  backEndKill,
  backEndKillRestart,
  backEndLinkCut,
  gatewayLinkCut,
  type FaultCounts,
} from '../support/faults.js';
import type { BenchRow } from './types.js';

const COLUMNS = ['in flight', 'calls', 'answered', 'error-returned', 'silent', 'duplicated', 'wrong client'] as const;

function printFaultTable(results: FaultCounts[]): void {
  const cells = results.map((r) => [
    r.scenario,
    ...[r.inFlight, r.calls, r.answered, r.errorReturned, r.silent, r.duplicated, r.wrongClient].map(String),
  ]);
  const header = ['scenario', ...COLUMNS];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' │ ');
  console.log(`\nfault table (counts per call)\n${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('─┼─')}`);
  for (const c of cells) console.log(line(c));
  for (const r of results)
    console.log(`  ${r.scenario}: ${[...r.notes, `error codes ${JSON.stringify(r.errorCodes)}`].join('; ')}`);
}

export async function benchFaults(): Promise<BenchRow[]> {
  const results: FaultCounts[] = [];
  results.push(await gatewayLinkCut({ inFlight: 100, cutMs: 5_000 }));
  results.push(await backEndLinkCut({ inFlight: 100, cutMs: 5_000 }));
  results.push(await backEndKill({ calls: 200, secs: 3 }));
  results.push(await backEndKill({ calls: 200, secs: 3, ackOnReceipt: true, timeout: 10_000 }));
  results.push(await backEndKillRestart({ calls: 50, secs: 2 }));
  printFaultTable(results);
  return results.flatMap((r) => {
    const original = r.scenario.includes('original');
    const goal = original ? 'reference: the original loses what the killed back end held' : '0';
    return [
      { name: `${r.scenario}: in flight`, value: r.inFlight, unit: 'calls' },
      { name: `${r.scenario}: answered`, value: r.answered, unit: 'calls' },
      { name: `${r.scenario}: error-returned`, value: r.errorReturned, unit: 'calls' },
      { name: `${r.scenario}: silent`, value: r.silent, unit: 'calls', goal },
      { name: `${r.scenario}: duplicated`, value: r.duplicated, unit: 'calls', goal: original ? undefined : '0' },
    ];
  });
}
