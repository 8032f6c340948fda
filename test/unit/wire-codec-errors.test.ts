import { describe, expect, it } from 'vitest';
import { type IdlModel, type Operation, allOperations } from '../../shared/idl/model.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec } from '../../shared/wire/codec.js';
import { CodecError, WireError } from '../../shared/wire/errors.js';
import { exampleValue } from '../../shared/wire/example.js';
import { fromHex } from '../support/hex.js';
import { allTypesModel, snsModel } from '../support/models.js';

// Bad values get a CodecError naming the exact place; bad bytes a WireError naming it too.

const all = allTypesModel();
const sns = snsModel();
const codecs = new Map<IdlModel, ReturnType<typeof createCodec>>([
  [all, createCodec(all)],
  [sns, createCodec(sns)],
]);

function op(model: IdlModel, name: string): Operation {
  const found = Object.values(model.interfaces)
    .flatMap((i) => allOperations(model, i))
    .find((o) => `${o.owner}.${o.name}`.endsWith(name));
  if (!found) throw new Error(`no operation ${name}`);
  return found;
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const message = { tick: { tick1: 5 }, sender_id: 'A1001', issue_time: '1000', content: 'hi' };
const everything = exampleValue(all, { kind: 'ref', name: 'alltypes.Everything_t' }) as Record<string, unknown>;

// [model, operation, args, message]
const badValues: [IdlModel, string, unknown[] | Record<string, unknown>, string][] = [
  [sns, 'Server.echo', [42], 'param text: expected string, got number'],
  [sns, 'Server.echo', { text: null }, 'param text: expected string, got null'],
  [
    sns,
    'ITerminal.onMessage',
    [{ ...message, tick: { tick1: 1e10 } }],
    'param message.tick.tick1: expected int (-2147483648..2147483647), got 1e10',
  ],
  [
    sns,
    'ITerminal.onMessage',
    [{ ...message, tick: { tick1: 2147483648 } }],
    'param message.tick.tick1: expected int (-2147483648..2147483647), got 2147483648',
  ],
  [
    sns,
    'ITerminal.onMessage',
    [{ ...message, tick: { tick1: 1.5 } }],
    'param message.tick.tick1: expected int (-2147483648..2147483647), got 1.5',
  ],
  [
    sns,
    'ITerminal.onMessage',
    [{ ...message, tick: { tick1: '5' } }],
    'param message.tick.tick1: expected int (-2147483648..2147483647), got string',
  ],
  [
    sns,
    'ITerminal.onMessage',
    [{ tick: { tick1: 5 }, sender_id: 'A', issue_time: '1' }],
    'param message: missing field "content" of sns.Message_t',
  ],
  [
    sns,
    'ITerminal.onMessage',
    [{ ...message, sender_id: undefined }],
    'param message: missing field "sender_id" of sns.Message_t',
  ],
  [
    sns,
    'ITerminal.onMessage',
    [{ ...message, extra: 1 }],
    'param message: unknown field "extra" (sns.Message_t has tick, sender_id, issue_time, content)',
  ],
  [sns, 'ITerminal.onMessage', ['hi'], 'param message: expected sns.Message_t (object), got string'],
  [sns, 'ITerminal.onMessage', [[message]], 'param message: expected sns.Message_t (object), got array'],
  [sns, 'ITerminal.onMessage', [new Map()], 'param message: expected sns.Message_t (object), got Map'],
  [
    sns,
    'IMessageServer.postMessage',
    ['A1002', { ...message, tick: null }],
    'param message.tick: expected sns.Tick_t (object), got null',
  ],
  [
    all,
    'echoList',
    { v: [everything, everything, everything, { ...everything, props: { k: null } }], limit: 1 },
    'param v[3].props["k"]: expected string, got null',
  ],
  [
    all,
    'echoList',
    { v: [{ ...everything, nested: { a: { b: 1 } } }], limit: 1 },
    'param v[0].nested["a"]["b"]: expected string, got number',
  ],
  [
    all,
    'echoList',
    { v: [{ ...everything, matrix: [[1], [2, -2147483649]] }], limit: 1 },
    'param v[0].matrix[1][1]: expected int (-2147483648..2147483647), got -2147483649',
  ],
  [
    all,
    'echoList',
    { v: [{ ...everything, path: [{ x: 1, y: 'a' }] }], limit: 1 },
    'param v[0].path[0].y: expected float (number within ±3.4028234663852886e38), got "a"',
  ],
  [all, 'echoList', { v: [], limit: 2 ** 31 }, 'param limit: expected int (-2147483648..2147483647), got 2147483648'],
  [all, 'echoByte', [256], 'param v: expected byte (-128..255), got 256'],
  [all, 'echoByte', [-129], 'param v: expected byte (-128..255), got -129'],
  [all, 'echoByte', [0.5], 'param v: expected byte (-128..255), got 0.5'],
  [all, 'echoShort', [40000], 'param v: expected short (-32768..32767), got 40000'],
  [all, 'echoShort', [NaN], 'param v: expected short (-32768..32767), got NaN'],
  [all, 'echoInt', [Infinity], 'param v: expected int (-2147483648..2147483647), got Infinity'],
  [all, 'echoInt', [5n], 'param v: expected int (-2147483648..2147483647), got bigint'],
  [all, 'echoLong', [1.5], 'param v: expected long (bigint, safe integer or decimal string), got 1.5'],
  [
    all,
    'echoLong',
    [2 ** 60],
    'param v: expected long (bigint, safe integer or decimal string), got 1152921504606847000 (beyond ±2^53: pass a decimal string)',
  ],
  [
    all,
    'echoLong',
    [2 ** 64],
    'param v: expected long (bigint, safe integer or decimal string), got 18446744073709552000',
  ],
  [all, 'echoLong', ['abc'], 'param v: expected long (bigint, safe integer or decimal string), got "abc"'],
  [all, 'echoLong', ['1.0'], 'param v: expected long (bigint, safe integer or decimal string), got "1.0"'],
  [
    all,
    'echoLong',
    ['9223372036854775808'],
    'param v: expected long (bigint, safe integer or decimal string), got "9223372036854775808"',
  ],
  [
    all,
    'echoLong',
    [-(2n ** 63n) - 1n],
    'param v: expected long (bigint, safe integer or decimal string), got -9223372036854775809n',
  ],
  [all, 'echoLong', [null], 'param v: expected long (bigint, safe integer or decimal string), got null'],
  [all, 'echoLong', [true], 'param v: expected long (bigint, safe integer or decimal string), got boolean'],
  [all, 'echoFloat', [1e39], 'param v: expected float (number within ±3.4028234663852886e38), got 1e39'],
  [all, 'echoFloat', ['1.5'], 'param v: expected float (number within ±3.4028234663852886e38), got "1.5"'],
  [all, 'echoDouble', ['nan'], 'param v: expected double, got "nan"'],
  [all, 'echoDouble', [{}], 'param v: expected double, got object'],
  [all, 'echoBool', [1], 'param v: expected bool, got number'],
  [all, 'echoBool', ['true'], 'param v: expected bool, got string'],
  [all, 'echoString', [undefined], 'param v: expected string, got undefined'],
  [
    all,
    'echoBytes',
    ['AQ-D'],
    'param v: expected alltypes.Bytes_t as base64 or 0x-hex: expected base64 (A-Z a-z 0-9 + /, = padding) or 0x and hex digits',
  ],
  [
    all,
    'echoBytes',
    ['0x1'],
    'param v: expected alltypes.Bytes_t as base64 or 0x-hex: hex needs an even number of digits, got 1',
  ],
  [all, 'echoBytes', [[1, 256]], 'param v[1]: expected byte (0..255), got 256'],
  [all, 'echoBytes', [[1, -1]], 'param v[1]: expected byte (0..255), got -1'],
  [
    all,
    'echoBytes',
    [new Int8Array(2)],
    'param v: expected alltypes.Bytes_t (Uint8Array, array of 0..255, base64 or 0x-hex string), got Int8Array',
  ],
  [all, 'lookup', [{ 0: 1 }], 'param keys: expected alltypes.IntList (array), got object'],
  [all, 'lookup', [[1, '2']], 'param keys[1]: expected int (-2147483648..2147483647), got string'],
  [all, 'lookup', [[1, undefined, 3]], 'param keys[1]: expected int (-2147483648..2147483647), got undefined'],
  [
    all,
    'echoMap',
    ['k=v'],
    'param v: expected alltypes.StrStrMap (Map, object or array of [key, value] pairs), got string',
  ],
  [all, 'echoMap', [new Map([[1, 'v']])], 'param v key 1: expected string, got number'],
  [all, 'echoMap', [[['k', 'v'], ['k2']]], 'param v[1]: expected [key, value] pair, got array of 1'],
  [all, 'echoMap', [[['k', 'v'], 'k2']], 'param v[1]: expected [key, value] pair, got string'],
  [all, 'echoMap', [{ k: 1 }], 'param v["k"]: expected string, got number'],
  [all, 'echoMap', [new Map([['k', 1]])], 'param v["k"]: expected string, got number'],
  [
    all,
    'echoEverything',
    [{ ...everything, l: 1.5 }],
    'param v.l: expected long (bigint, safe integer or decimal string), got 1.5',
  ],
  [
    all,
    'echoEverything',
    [{ ...everything, places: { p: { x: 1 } } }],
    'param v.places["p"]: missing field "y" of alltypes.Point_t',
  ],
  [
    all,
    'echoEverything',
    [{ ...everything, blob: null }],
    'param v.blob: expected alltypes.Bytes_t (Uint8Array, array of 0..255, base64 or 0x-hex string), got null',
  ],
  [
    all,
    'echoEverything',
    [{ ...everything, props: new Set() }],
    'param v.props: expected alltypes.StrStrMap (Map, object or array of [key, value] pairs), got Set',
  ],
  [all, 'notify', ['e'], 'params: notify(event, where) takes 2 argument(s), got 1'],
  [all, 'notify', { event: 'e' }, 'params: missing parameter "where" (notify(event, where))'],
  [
    all,
    'notify',
    { event: 'e', where: { x: 1, y: 2 }, when: 1 },
    'params: unknown parameter "when" (notify(event, where))',
  ],
  [
    all,
    'notify',
    'e' as unknown as unknown[],
    'params: expected an array or an object keyed by parameter name, got string',
  ],
];

// Keys spelled as JSON object keys: [key, message]
const badKeys: [string, string][] = [
  ['abc', 'param v key "abc": expected int (-2147483648..2147483647) spelled as an object key, got "abc"'],
  ['01', 'param v key "01": expected int (-2147483648..2147483647) spelled as an object key, got "01"'],
  ['1.5', 'param v key "1.5": expected int (-2147483648..2147483647) spelled as an object key, got "1.5"'],
  ['-0', 'param v key "-0": expected int (-2147483648..2147483647) spelled as an object key, got "-0"'],
  ['4294967296', 'param v key "4294967296": expected int (-2147483648..2147483647), got 4294967296'],
];

describe('encode errors name the place', () => {
  it.each(badValues.map(([model, name, args, expected]) => [expected, model, name, args] as const))(
    '%s',
    (expected, model, name, args) => {
      const e = thrown(() => codecs.get(model)!.encodeParams(op(model, name), args));
      expect(e).toBeInstanceOf(CodecError);
      expect(e.message).toBe(expected);
    },
  );

  it.each(badKeys)('IntStrMap key %j', (key, expected) => {
    const lookupResult = op(all, 'lookup');
    const e = thrown(() => codecs.get(all)!.encodeResult(lookupResult, { 1: 'ok', [key]: 'x' }));
    expect(e.message).toBe(expected.replace('param v', 'result'));
  });

  it('carries the path and the problem separately', () => {
    const e = thrown(() =>
      codecs.get(sns)!.encodeParams(op(sns, 'ITerminal.onMessage'), [{ ...message, tick: { tick1: 'x' } }]),
    ) as CodecError;
    expect(e.path).toBe('param message.tick.tick1');
    expect(e.problem).toBe('expected int (-2147483648..2147483647), got string');
  });

  it('results and single values use their own roots', () => {
    const codec = codecs.get(all)!;
    expect(thrown(() => codec.encodeResult(op(all, 'echoInt'), 'x')).message).toBe(
      'result: expected int (-2147483648..2147483647), got string',
    );
    expect(thrown(() => codec.encodeResult(op(all, 'notify'), 5)).message).toBe(
      'result: expected nothing (void), got 5',
    );
    expect(thrown(() => codec.encodeValue({ kind: 'builtin', name: 'string' }, 1, new ByteWriter())).message).toBe(
      'value: expected string, got number',
    );
    expect(
      thrown(() => codec.encodeValue({ kind: 'ref', name: 'alltypes.IntList' }, [1, 'x'], new ByteWriter(), 'row 3'))
        .message,
    ).toBe('row 3[1]: expected int (-2147483648..2147483647), got string');
  });

  it('an unknown type name is a model error', () => {
    expect(thrown(() => codecs.get(all)!.codecFor({ kind: 'ref', name: 'alltypes.Nope' })).message).toBe(
      'type alltypes.Nope is not declared in the model',
    );
  });

  it('a failed encode leaves the codec usable', () => {
    const codec = codecs.get(sns)!;
    const echo = op(sns, 'Server.echo');
    expect(() => codec.encodeParams(echo, [1])).toThrow(CodecError);
    expect(Array.from(codec.encodeParams(echo, ['hi']))).toEqual([0, 0, 0, 2, 0x68, 0x69]);
  });
});

describe('decode errors name the place', () => {
  const cases: [IdlModel, string, string, string][] = [
    [sns, 'Server.echo', '00 00 00 09 41', 'param text: string: needs 9 byte(s) at offset 4, only 1 left'],
    [sns, 'Server.echo', '00 00', 'param text: string length: needs 4 byte(s) at offset 0, only 2 left'],
    [
      sns,
      'ITerminal.onMessage',
      '00 00 00 05 00 00 00 01 41 00 00 00 01 31 00 00 00 05 68 69',
      'param message.content: string: needs 5 byte(s) at offset 18, only 2 left',
    ],
    [
      sns,
      'IMessageServer.onUserOnLine',
      '00 00 00 01 41',
      'param gwname: string length: needs 4 byte(s) at offset 5, only 0 left',
    ],
    [
      all,
      'lookup',
      '7f ff ff ff 00 00 00 01',
      'param keys: alltypes.IntList count 2147483647 exceeds the 4 byte(s) left at offset 4',
    ],
    [
      all,
      'echoMap',
      '00 00 00 01 00 00 00 01 6b 00 00 00 05 76',
      'param v["k"]: string: needs 5 byte(s) at offset 13, only 1 left',
    ],
    [
      all,
      'echoMap',
      '00 00 00 02 00 00 00 01 6b 00 00 00 01 76 00 00 00 09 41 41',
      'param v key #1: string: needs 9 byte(s) at offset 18, only 2 left',
    ],
    [
      all,
      'echoMap',
      '00 00 00 02 00 00 00 01 6b 00 00 00 01 76',
      'param v: alltypes.StrStrMap count 2 exceeds the 10 byte(s) left at offset 4',
    ],
    [
      all,
      'echoList',
      `00 00 00 01 05 01 00 00 ${'00 '.repeat(24)} 00 00 00 ff ${'00 '.repeat(40)}`,
      'param v[0].text: string: needs 255 byte(s) at offset 36, only 40 left',
    ],
    [all, 'echoLong', '00 00 00 00 00 00 01', 'param v: long: needs 8 byte(s) at offset 0, only 7 left'],
  ];

  it.each(cases.map(([model, name, hex, expected]) => [expected, model, name, hex] as const))(
    '%s',
    (expected, model, name, hex) => {
      const e = thrown(() => codecs.get(model)!.decodeParams(op(model, name), fromHex(hex)));
      expect(e).toBeInstanceOf(WireError);
      expect((e as WireError).reason).toBe('truncated');
      expect(e.message).toBe(expected);
    },
  );

  it('results and single values use their own roots', () => {
    const codec = codecs.get(all)!;
    expect(thrown(() => codec.decodeResult(op(all, 'echoInt'), fromHex('00 01'))).message).toBe(
      'result: int: needs 4 byte(s) at offset 0, only 2 left',
    );
    const r = new ByteReader(fromHex('ff 00 00 00 02 00 00 00 01 41 00 00 00 05 42'), 1);
    expect(thrown(() => codec.decodeValue({ kind: 'ref', name: 'alltypes.StringList' }, r)).message).toBe(
      'value[1]: string: needs 5 byte(s) at offset 14, only 1 left',
    );
  });

  it('a void result ignores whatever bytes came back', () => {
    expect(codecs.get(all)!.decodeResult(op(all, 'notify'), fromHex('01 02'))).toBeUndefined();
  });
});
