// Compiler and generated-codec benchmarks: `npm run bench` puts these rows beside the others.
import * as protobuf from 'protobufjs';
import { generateAll } from '../shared/codegen/index.js';
import { hasErrors } from '../shared/idl/diagnostics.js';
import { compile } from '../shared/idl/compile.js';
import * as sns from '../support/generated/sns/sns.js';
import { alternateRates, goals, ratios, row } from './measure.js';
import type { BenchRow } from './types.js';

const SOURCE_LINES = 10_000;

/**
 * An IDL of about `lines` lines and the equivalent proto3 text: per block a 6-field struct,
 * a sequence and a dictionary of it (wrapper messages in proto) and a 4-operation interface
 * (a service whose requests are messages in proto).
 */
export function benchSources(lines = SOURCE_LINES): { idl: string; proto: string } {
  const idl: string[] = ['module bench{'];
  const proto: string[] = ['syntax = "proto3";', 'package bench;'];
  for (let b = 0; idl.length < lines - 1; b++) {
    idl.push(
      `\tstruct Item${b}_t{`,
      '\t\tint id;',
      '\t\tstring name;',
      '\t\tlong stamp;',
      '\t\tdouble score;',
      '\t\tbool active;',
      '\t\tstring note;',
      '\t};',
      `\tsequence<Item${b}_t> Item${b}List;`,
      `\tdictionary<string, Item${b}_t> Item${b}Map;`,
      `\tinterface Service${b}{`,
      `\t\tItem${b}_t get(int id, string name);`,
      `\t\tvoid put(Item${b}_t item);`,
      `\t\tItem${b}List list(int offset, int limit);`,
      `\t\tItem${b}Map index(string prefix);`,
      '\t};',
    );
    proto.push(
      `message Item${b}_t {`,
      '  int32 id = 1;',
      '  string name = 2;',
      '  int64 stamp = 3;',
      '  double score = 4;',
      '  bool active = 5;',
      '  string note = 6;',
      '}',
      `message Item${b}List { repeated Item${b}_t items = 1; }`,
      `message Item${b}Map { map<string, Item${b}_t> entries = 1; }`,
      `message Get${b}Request { int32 id = 1; string name = 2; }`,
      `message List${b}Request { int32 offset = 1; int32 limit = 2; }`,
      `message Index${b}Request { string prefix = 1; }`,
      `message Empty${b} {}`,
      `service Service${b} {`,
      `  rpc get(Get${b}Request) returns (Item${b}_t);`,
      `  rpc put(Item${b}_t) returns (Empty${b});`,
      `  rpc list(List${b}Request) returns (Item${b}List);`,
      `  rpc index(Index${b}Request) returns (Item${b}Map);`,
      '}',
    );
  }
  idl.push('}');
  return { idl: `${idl.join('\n')}\n`, proto: `${proto.join('\n')}\n` };
}

/** Per contender and round: several runs, so each round's time includes the GC its garbage costs. */
const ROUND_MS = 500;

/** parse + check + generate of a 10,000-line IDL against protobufjs parsing the same schema as proto3. */
export async function benchCompiler(): Promise<BenchRow[]> {
  const { idl, proto } = benchSources();
  const file = { path: 'bench.idl', text: idl };
  const probe = compile([file]);
  if (hasErrors(probe.diagnostics)) throw new Error(`bench IDL does not compile: ${probe.diagnostics[0]!.message}`);
  const generated = generateAll(probe.model).reduce((n, f) => n + f.text.split('\n').length - 1, 0);

  const perSecond = await alternateRates(
    {
      ours: () => generateAll(compile([file]).model),
      pbParse: () => protobuf.parse(proto, { keepCase: true }),
      compile: () => compile([file]),
      pbResolve: () => protobuf.parse(proto, { keepCase: true }).root.resolveAll(),
    },
    ROUND_MS,
    1,
  );
  const ms = (rates: number[]): number[] => rates.map((r) => 1000 / r);
  const size = (text: string): string => `${text.split('\n').length - 1} lines, ${Math.round(text.length / 1024)} KiB`;
  const parseSpeed = goals.ratioAtLeast(1, 'protobufjs parse speed');
  return [
    row(`tce2ts compile + generate (IDL ${size(idl)} → ${generated} lines of TS)`, 'ms', ms(perSecond.ours), {
      ratios: ratios(perSecond.ours, perSecond.pbParse),
      ...parseSpeed,
    }),
    row('tce2ts compile only (parse + check + number)', 'ms', ms(perSecond.compile), {
      ratios: ratios(perSecond.compile, perSecond.pbParse),
      ...parseSpeed,
    }),
    // Like for like: protobufjs's parse leaves type references unresolved, compile resolves and checks them.
    row('tce2ts compile + generate vs protobufjs parse + resolveAll', 'ms', ms(perSecond.ours), {
      ratios: ratios(perSecond.ours, perSecond.pbResolve),
    }),
    row(`protobufjs parse (same schema as proto3, ${size(proto)})`, 'ms', ms(perSecond.pbParse)),
    row('protobufjs parse + resolveAll', 'ms', ms(perSecond.pbResolve)),
  ];
}

/** An sns.Message_t of typical size (about 80 bytes on the wire); other codec rows use the same value. */
export const SNS_MESSAGE: sns.Message_t = {
  tick: { tick1: 1_700_000_000 },
  sender_id: 'user-100042',
  issue_time: '2024-05-01T12:34:56Z',
  content: 'See you at the gateway at noon — bring the config.',
};
