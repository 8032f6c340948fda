import { BUILTIN_NAMES, type BuiltinName, type IdlModel, type Operation, type TypeDecl, type TypeRef } from '../../../shared/idl/model.js';
import type { SourceRange } from '../../../shared/idl/source.js';

/**
 * Hand-built checked models of the sample IDLs, used until the IDL compiler lands.
 * A tiny notation: a type is a builtin name, a name declared in the same module,
 * `sequence<T>` or `dictionary<K,V>` (declarations only), or `{ field: type }` for a struct.
 */
type TypeSpec = string | Record<string, string>;
interface OpSpec {
  index?: number;
  returns?: string;
  params?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface InterfaceSpec {
  index: number;
  base?: string;
  ops: Record<string, OpSpec>;
}
interface ModuleSpec {
  types?: Record<string, TypeSpec>;
  interfaces?: Record<string, InterfaceSpec>;
}

const RANGE: SourceRange = { file: 'hand-built', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

export function buildModel(spec: Record<string, ModuleSpec>): IdlModel {
  const model: IdlModel = { modules: [], types: {}, interfaces: {} };
  for (const [module, m] of Object.entries(spec)) {
    const ref = (t: string): TypeRef =>
      t === 'void' ? { kind: 'void' } : BUILTIN_NAMES.includes(t as BuiltinName) ? { kind: 'builtin', name: t as BuiltinName } : { kind: 'ref', name: `${module}.${t}` };
    const types: string[] = [];
    const interfaces: string[] = [];
    for (const [name, t] of Object.entries(m.types ?? {})) {
      const qname = `${module}.${name}`;
      const base = { name, module, qname, range: RANGE };
      let decl: TypeDecl;
      if (typeof t !== 'string') {
        decl = { ...base, kind: 'struct', fields: Object.entries(t).map(([f, ft]) => ({ name: f, type: ref(ft), range: RANGE })) };
      } else {
        const seq = /^sequence<(\w+)>$/.exec(t);
        const dict = /^dictionary<(\w+),\s*(\w+)>$/.exec(t);
        if (seq) decl = { ...base, kind: 'sequence', element: ref(seq[1]!) };
        else if (dict) decl = { ...base, kind: 'dictionary', key: ref(dict[1]!), value: ref(dict[2]!) };
        else throw new Error(`bad type spec ${t}`);
      }
      model.types[qname] = decl;
      types.push(qname);
    }
    for (const [name, i] of Object.entries(m.interfaces ?? {})) {
      const qname = `${module}.${name}`;
      let index = 0;
      const operations: Operation[] = Object.entries(i.ops).map(([op, o]) => ({
        name: op,
        index: o.index ?? index++,
        params: Object.entries(o.params ?? {}).map(([p, pt]) => ({ name: p, type: ref(pt), range: RANGE })),
        returns: ref(o.returns ?? 'void'),
        annotations: o.annotations ?? {},
        range: RANGE,
        owner: qname,
      }));
      model.interfaces[qname] = {
        kind: 'interface',
        name,
        module,
        qname,
        range: RANGE,
        index: i.index,
        ...(i.base ? { base: `${module}.${i.base}` } : {}),
        operations,
        annotations: {},
      };
      interfaces.push(qname);
    }
    model.modules.push({ name: module, types, interfaces, files: ['hand-built'] });
  }
  return model;
}

/** idl-samples/test.idl, and the spec's annotated original (BaseServer [index=11], datetime [index=10]). */
export const testModel = (annotated = false): IdlModel =>
  buildModel({
    test: {
      interfaces: {
        BaseServer: { index: annotated ? 11 : 0, ops: { datetime: { returns: 'string', index: annotated ? 10 : 0 } } },
        ITerminalGatewayServer: { index: 1, ops: { ping: {} } },
        Server: {
          index: 2,
          base: 'BaseServer',
          ops: {
            echo: { returns: 'string', params: { text: 'string' } },
            timeout: { params: { secs: 'int' } },
            heartbeat: { params: { hello: 'string' } },
            bidirection: {},
          },
        },
        ITerminal: { index: 3, ops: { onMessage: { params: { message: 'string' } } } },
      },
    },
  });

/** idl-samples/sns.idl */
export const snsModel = (): IdlModel =>
  buildModel({
    sns: {
      types: {
        Tick_t: { tick1: 'int' },
        Message_t: { tick: 'Tick_t', sender_id: 'string', issue_time: 'string', content: 'string' },
      },
      interfaces: {
        BaseServer: { index: 0, ops: { datetime: { returns: 'string' } } },
        ITerminalGatewayServer: { index: 1, ops: { ping: {} } },
        Server: { index: 2, base: 'BaseServer', ops: { echo: { returns: 'string', params: { text: 'string' } }, heartbeat: { params: { hello: 'string' } } } },
        ITerminal: { index: 3, ops: { onMessage: { params: { message: 'Message_t' } } } },
        IMessageServer: {
          index: 4,
          ops: {
            onUserOnLine: { params: { userid: 'string', gwname: 'string' } },
            onUserOffLine: { params: { userid: 'string', gwname: 'string' } },
            postMessage: { params: { target_id: 'string', message: 'Message_t' } },
          },
        },
      },
    },
  });

/** idl-samples/all-types.idl */
export const allTypesModel = (): IdlModel =>
  buildModel({
    alltypes: {
      types: {
        Bytes_t: 'sequence<byte>',
        BoolList: 'sequence<bool>',
        ShortList: 'sequence<short>',
        IntList: 'sequence<int>',
        LongList: 'sequence<long>',
        FloatList: 'sequence<float>',
        DoubleList: 'sequence<double>',
        StringList: 'sequence<string>',
        IntMatrix: 'sequence<IntList>',
        BytesList: 'sequence<Bytes_t>',
        StrStrMap: 'dictionary<string, string>',
        IntStrMap: 'dictionary<int, string>',
        LongDoubleMap: 'dictionary<long, double>',
        StrIntListMap: 'dictionary<string, IntList>',
        NestedMap: 'dictionary<string, StrStrMap>',
        IntBytesMap: 'dictionary<int, Bytes_t>',
        Point_t: { x: 'float', y: 'float' },
        PointList: 'sequence<Point_t>',
        NamedPoints: 'dictionary<string, Point_t>',
        Everything_t: {
          b: 'byte',
          flag: 'bool',
          s: 'short',
          i: 'int',
          l: 'long',
          f: 'float',
          d: 'double',
          text: 'string',
          blob: 'Bytes_t',
          ints: 'IntList',
          props: 'StrStrMap',
          origin: 'Point_t',
          path: 'PointList',
          places: 'NamedPoints',
          matrix: 'IntMatrix',
          nested: 'NestedMap',
          longs: 'LongList',
        },
        EverythingList: 'sequence<Everything_t>',
      },
      interfaces: {
        AllTypes: {
          index: 0,
          ops: {
            echoByte: { returns: 'byte', params: { v: 'byte' } },
            echoBool: { returns: 'bool', params: { v: 'bool' } },
            echoShort: { returns: 'short', params: { v: 'short' } },
            echoInt: { returns: 'int', params: { v: 'int' } },
            echoLong: { returns: 'long', params: { v: 'long' } },
            echoFloat: { returns: 'float', params: { v: 'float' } },
            echoDouble: { returns: 'double', params: { v: 'double' } },
            echoString: { returns: 'string', params: { v: 'string' } },
            echoBytes: { returns: 'Bytes_t', params: { v: 'Bytes_t' } },
            echoMap: { returns: 'StrStrMap', params: { v: 'StrStrMap' } },
            echoEverything: { returns: 'Everything_t', params: { v: 'Everything_t' } },
            echoList: { returns: 'EverythingList', params: { v: 'EverythingList', limit: 'int' } },
            notify: { params: { event: 'string', where: 'Point_t' } },
          },
        },
        MoreTypes: {
          index: 20,
          base: 'AllTypes',
          ops: { lookup: { index: 5, returns: 'IntStrMap', params: { keys: 'IntList' } }, reset: { index: 1 } },
        },
      },
    },
  });
