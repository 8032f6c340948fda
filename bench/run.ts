// `npm run bench [-- section …]`: every benchmark of the project, one table. Peers are measured
// in the same run, so the ratios hold on a noisy machine where absolute numbers do not.
import { benchAmqpRaw } from './amqp.js';
import { benchAmqpRpc } from './amqp-rpc.js';
import { benchCodec } from './codec.js';
import { benchCompiler } from './codegen.js';
import { benchFaults } from './faults.js';
import { benchFeed } from './feed.js';
import { benchGateway } from './gateway.js';
import { benchRpc } from './rpc.js';
import { benchSoak } from './soak.js';
import type { BenchRow } from './types.js';
import { benchUiFeed } from './ui-feed.js';

interface Section {
  name: string;
  title: string;
  run: () => Promise<BenchRow[]>;
}

const sections: Section[] = [
  { name: 'compiler', title: 'IDL compiler vs protobufjs parser', run: benchCompiler },
  { name: 'codec', title: 'sns.Message_t encode+decode', run: benchCodec },
  { name: 'rpc', title: 'two-way echo over TCP and WebSocket', run: benchRpc },
  {
    name: 'amqp',
    title: 'two-way echo over RabbitMQ vs raw amqplib request/reply',
    run: async () => {
      const raw = await benchAmqpRaw();
      return [...raw, ...(await benchAmqpRpc(raw))];
    },
  },
  { name: 'gateway', title: 'client → gateway → RabbitMQ → back end → back', run: benchGateway },
  { name: 'feed', title: 'live feed: 10 000 calls/s through the sandbox into a bridge subscriber', run: benchFeed },
  { name: 'ui-feed', title: 'the console in Chromium: feed at 10 000 entries/s with a filter', run: benchUiFeed },
  { name: 'soak', title: 'gateway soak: 1 M calls, gateway under --max-old-space-size=64 (docs/delivery.md)', run: benchSoak },
  { name: 'faults', title: 'fault injection: counts per call (docs/delivery.md)', run: benchFaults },
];

const formatValue = (row: BenchRow): string => {
  const digits = Math.abs(row.value) >= 100 ? 0 : Math.abs(row.value) >= 10 ? 1 : 2;
  return `${row.value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${row.unit}`;
};

function printTable(title: string, rows: BenchRow[]): void {
  const cells = rows.map((r) => [r.name, formatValue(r), r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`, r.goal ?? '']);
  const header = ['benchmark', 'value', 'ratio', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' │ ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('─┼─')}`);
  for (const c of cells) console.log(line(c));
}

const wanted = new Set(process.argv.slice(2));
const unknown = [...wanted].filter((w) => !sections.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; sections: ${sections.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const section of sections) {
  if (wanted.size > 0 && !wanted.has(section.name)) continue;
  try {
    printTable(section.title, await section.run());
  } catch (error) {
    failed = true;
    console.log(`\n${section.title}\n  failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exit(failed ? 1 : 0);
