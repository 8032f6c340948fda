// Hand-built checked models of the samples, standing in for the IDL front end until compile() lands.
import { BUILTIN_NAMES, type BuiltinName, type IdlModel, type InterfaceDecl, type TypeDecl, type TypeRef } from '../../shared/idl/model.js';
import type { SourceRange } from '../../shared/idl/source.js';

type TypeSpec = ['struct', string, [string, string][]] | ['sequence', string, string] | ['dictionary', string, string, string];
interface IfaceSpec {
  name: string;
  index: number;
  base?: string;
  annotations?: Record<string, string>;
  ops: [ret: string, name: string, params: [string, string][], index?: number][];
}

export function buildModel(file: string, module: string, types: TypeSpec[], interfaces: IfaceSpec[]): IdlModel {
  const range: SourceRange = { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  const ref = (t: string): TypeRef =>
    t === 'void' ? { kind: 'void' } : (BUILTIN_NAMES as string[]).includes(t) ? { kind: 'builtin', name: t as BuiltinName } : { kind: 'ref', name: t.includes('.') ? t : `${module}.${t}` };
  const model: IdlModel = { modules: [{ name: module, types: [], interfaces: [], files: [file] }], types: {}, interfaces: {} };
  for (const spec of types) {
    const qname = `${module}.${spec[1]}`;
    const base = { name: spec[1], module, qname, range };
    const decl: TypeDecl =
      spec[0] === 'struct'
        ? { ...base, kind: 'struct', fields: spec[2].map(([t, n]) => ({ name: n, type: ref(t), range })) }
        : spec[0] === 'sequence'
          ? { ...base, kind: 'sequence', element: ref(spec[2]) }
          : { ...base, kind: 'dictionary', key: ref(spec[2]), value: ref(spec[3]) };
    model.types[qname] = decl;
    model.modules[0]!.types.push(qname);
  }
  for (const spec of interfaces) {
    const qname = `${module}.${spec.name}`;
    const decl: InterfaceDecl = {
      kind: 'interface',
      name: spec.name,
      module,
      qname,
      range,
      index: spec.index,
      annotations: spec.annotations ?? {},
      operations: spec.ops.map(([ret, name, params, index], i) => ({
        name,
        index: index ?? i,
        params: params.map(([t, n]) => ({ name: n, type: ref(t), range })),
        returns: ref(ret),
        annotations: index === undefined ? {} : ({ index: String(index) } as Record<string, string>),
        range,
        owner: qname,
      })),
    };
    if (spec.base) decl.base = `${module}.${spec.base}`;
    model.interfaces[qname] = decl;
    model.modules[0]!.interfaces.push(qname);
  }
  return model;
}

export const testModel = (): IdlModel =>
  buildModel('idl-samples/test.idl', 'test', [], [
    { name: 'BaseServer', index: 0, ops: [['string', 'datetime', []]] },
    { name: 'ITerminalGatewayServer', index: 1, ops: [['void', 'ping', []]] },
    {
      name: 'Server',
      index: 2,
      base: 'BaseServer',
      ops: [
        ['string', 'echo', [['string', 'text']]],
        ['void', 'timeout', [['int', 'secs']]],
        ['void', 'heartbeat', [['string', 'hello']]],
        ['void', 'bidirection', []],
      ],
    },
    { name: 'ITerminal', index: 3, ops: [['void', 'onMessage', [['string', 'message']]]] },
  ]);

export const snsModel = (): IdlModel =>
  buildModel(
    'idl-samples/sns.idl',
    'sns',
    [
      ['struct', 'Tick_t', [['int', 'tick1']]],
      ['struct', 'Message_t', [['Tick_t', 'tick'], ['string', 'sender_id'], ['string', 'issue_time'], ['string', 'content']]],
    ],
    [
      { name: 'BaseServer', index: 0, ops: [['string', 'datetime', []]] },
      { name: 'ITerminalGatewayServer', index: 1, ops: [['void', 'ping', []]] },
      { name: 'Server', index: 2, base: 'BaseServer', ops: [['string', 'echo', [['string', 'text']]], ['void', 'heartbeat', [['string', 'hello']]]] },
      { name: 'ITerminal', index: 3, ops: [['void', 'onMessage', [['Message_t', 'message']]]] },
      {
        name: 'IMessageServer',
        index: 4,
        ops: [
          ['void', 'onUserOnLine', [['string', 'userid'], ['string', 'gwname']]],
          ['void', 'onUserOffLine', [['string', 'userid'], ['string', 'gwname']]],
          ['void', 'postMessage', [['string', 'target_id'], ['Message_t', 'message']]],
        ],
      },
    ],
  );

export const allTypesModel = (): IdlModel =>
  buildModel(
    'idl-samples/all-types.idl',
    'alltypes',
    [
      ['sequence', 'Bytes_t', 'byte'],
      ['sequence', 'BoolList', 'bool'],
      ['sequence', 'ShortList', 'short'],
      ['sequence', 'IntList', 'int'],
      ['sequence', 'LongList', 'long'],
      ['sequence', 'FloatList', 'float'],
      ['sequence', 'DoubleList', 'double'],
      ['sequence', 'StringList', 'string'],
      ['sequence', 'IntMatrix', 'IntList'],
      ['sequence', 'BytesList', 'Bytes_t'],
      ['dictionary', 'StrStrMap', 'string', 'string'],
      ['dictionary', 'IntStrMap', 'int', 'string'],
      ['dictionary', 'LongDoubleMap', 'long', 'double'],
      ['dictionary', 'StrIntListMap', 'string', 'IntList'],
      ['dictionary', 'NestedMap', 'string', 'StrStrMap'],
      ['dictionary', 'IntBytesMap', 'int', 'Bytes_t'],
      ['struct', 'Point_t', [['float', 'x'], ['float', 'y']]],
      ['sequence', 'PointList', 'Point_t'],
      ['dictionary', 'NamedPoints', 'string', 'Point_t'],
      [
        'struct',
        'Everything_t',
        [
          ['byte', 'b'],
          ['bool', 'flag'],
          ['short', 's'],
          ['int', 'i'],
          ['long', 'l'],
          ['float', 'f'],
          ['double', 'd'],
          ['string', 'text'],
          ['Bytes_t', 'blob'],
          ['IntList', 'ints'],
          ['StrStrMap', 'props'],
          ['Point_t', 'origin'],
          ['PointList', 'path'],
          ['NamedPoints', 'places'],
          ['IntMatrix', 'matrix'],
          ['NestedMap', 'nested'],
          ['LongList', 'longs'],
        ],
      ],
      ['sequence', 'EverythingList', 'Everything_t'],
    ],
    [
      {
        name: 'AllTypes',
        index: 0,
        ops: [
          ['byte', 'echoByte', [['byte', 'v']]],
          ['bool', 'echoBool', [['bool', 'v']]],
          ['short', 'echoShort', [['short', 'v']]],
          ['int', 'echoInt', [['int', 'v']]],
          ['long', 'echoLong', [['long', 'v']]],
          ['float', 'echoFloat', [['float', 'v']]],
          ['double', 'echoDouble', [['double', 'v']]],
          ['string', 'echoString', [['string', 'v']]],
          ['Bytes_t', 'echoBytes', [['Bytes_t', 'v']]],
          ['StrStrMap', 'echoMap', [['StrStrMap', 'v']]],
          ['Everything_t', 'echoEverything', [['Everything_t', 'v']]],
          ['EverythingList', 'echoList', [['EverythingList', 'v'], ['int', 'limit']]],
          ['void', 'notify', [['string', 'event'], ['Point_t', 'where']]],
        ],
      },
      {
        name: 'MoreTypes',
        index: 20,
        base: 'AllTypes',
        annotations: { index: '20', comment: 'inherits every operation of AllTypes' },
        ops: [
          ['IntStrMap', 'lookup', [['IntList', 'keys']], 5],
          ['void', 'reset', [], 1],
        ],
      },
    ],
  );

export const SAMPLES = ['test', 'sns', 'all-types'] as const;
export type Sample = (typeof SAMPLES)[number];

export function sampleModel(sample: Sample): IdlModel {
  return sample === 'test' ? testModel() : sample === 'sns' ? snsModel() : allTypesModel();
}
