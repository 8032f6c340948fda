// `npm run bench [-- section …] [--json out.json] [--compare old.json]`: every benchmark of the
// project, one table per section. Peers are measured in alternating rounds of the same run, so
// the ratios hold on a noisy machine where absolute numbers do not (bench/README.md).
import { resolve } from 'node:path';
import { benchAmqp } from './amqp-rpc.js';
import { benchAttach } from './attach.js';
import { benchCodec } from './codec.js';
import { benchCompiler } from './codegen.js';
import { benchFaults } from './faults.js';
import { benchFeed } from './feed.js';
import { benchGateway } from './gateway.js';
import { printSection, readBenchFile, writeBenchFile, type BenchFile, type SectionResult } from './report.js';
import { benchRpc } from './rpc.js';
import { benchSoak } from './soak.js';
import type { BenchRow } from './types.js';
import { benchUiFeed } from './ui-feed.js';
import { messageOf } from '../shared/message-of.js';

interface Section {
  name: string;
  title: string;
  run: () => Promise<BenchRow[]>;
}

const sections: Section[] = [
  { name: 'compiler', title: 'IDL compiler vs protobufjs parser', run: benchCompiler },
  { name: 'codec', title: 'sns.Message_t encode+decode', run: benchCodec },
  { name: 'rpc', title: 'two-way echo over TCP and WebSocket', run: benchRpc },
  { name: 'amqp', title: 'two-way echo over RabbitMQ vs raw amqplib request/reply', run: benchAmqp },
  { name: 'gateway', title: 'client → gateway → RabbitMQ → back end → back', run: benchGateway },
  { name: 'feed', title: 'live feed: 10 000 calls/s through the sandbox into a bridge subscriber', run: benchFeed },
  { name: 'ui-feed', title: 'the console in Chromium: feed at 10 000 entries/s with a filter', run: benchUiFeed },
  {
    name: 'attach',
    title: 'attach: recording proxy vs direct echo; broker tap at 5 000 msg/s (docs/attach.md)',
    run: benchAttach,
  },
  {
    name: 'soak',
    title: 'gateway soak: 1 M calls, gateway under --max-old-space-size=64 (docs/delivery.md)',
    run: benchSoak,
  },
  { name: 'faults', title: 'fault injection: counts per call (docs/delivery.md)', run: benchFaults },
];

/** Paths are relative to where `npm run bench` was typed, not to the package root npm runs in. */
const userPath = (path: string): string => resolve(process.env['INIT_CWD'] ?? process.cwd(), path);

function parseArgs(args: string[]): { wanted: Set<string>; json?: string; compare?: string } {
  const wanted = new Set<string>();
  const options: { json?: string; compare?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json' || arg === '--compare') {
      const path = args[++i];
      if (!path) throw new Error(`${arg} needs a file name`);
      options[arg === '--json' ? 'json' : 'compare'] = userPath(path);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else wanted.add(arg);
  }
  const unknown = [...wanted].filter((w) => !sections.some((s) => s.name === w));
  if (unknown.length > 0)
    throw new Error(`unknown section(s): ${unknown.join(', ')}; sections: ${sections.map((s) => s.name).join(', ')}`);
  return { wanted, ...options };
}

let args: ReturnType<typeof parseArgs>;
let old: BenchFile | undefined;
try {
  args = parseArgs(process.argv.slice(2));
  old = args.compare ? readBenchFile(args.compare) : undefined;
} catch (error) {
  console.error(`bench: ${messageOf(error)}`);
  process.exit(2);
}
const results: SectionResult[] = [];
for (const { name, title, run } of sections) {
  if (args.wanted.size > 0 && !args.wanted.has(name)) continue;
  let result: SectionResult;
  try {
    result = { name, title, rows: await run() };
  } catch (error) {
    result = { name, title, rows: [], error: (error as Error).stack ?? String(error) };
  }
  printSection(result, old);
  results.push(result);
}
if (args.json) {
  writeBenchFile(args.json, results);
  console.log(`\nrows written to ${args.json}`);
}
process.exit(results.some((r) => r.error !== undefined) ? 1 : 0);
