import { describe, expect, it } from 'vitest';
import { allOperations, type Operation } from '../../shared/idl/model.js';
import { argsProblems } from '../../shared/wire/args-problems.js';
import { bytesOfText } from '../../shared/wire/base64.js';
import { createCodec } from '../../shared/wire/codec.js';
import { allTypesModel } from '../support/models.js';

const model = allTypesModel();
const codec = createCodec(model);
const op = (name: string): Operation =>
  allOperations(model, model.interfaces['alltypes.AllTypes']!).find((o) => o.name === name)!;

describe('arguments checked against the IDL before a call is sent', () => {
  it('lists every problem at once, each at its field path', () => {
    const problems = argsProblems(model, codec, op('notify'), {
      event: 5,
      where: { x: 'left', z: 1 },
      extra: true,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['event', 'extra', 'where.x', 'where.y', 'where.z']);
    expect(problems.find((p) => p.path === 'event')!.message).toMatch(/expected string/);
    expect(problems.find((p) => p.path === 'where.y')!.message).toMatch(/missing/);
  });

  it('walks sequences element by element and names the index', () => {
    const problems = argsProblems(model, codec, op('echoList'), [[{}, {}], 'x']);
    expect(problems.some((p) => p.path.startsWith('v[0].'))).toBe(true);
    expect(problems.some((p) => p.path.startsWith('v[1].'))).toBe(true);
    expect(problems.some((p) => p.path === 'limit')).toBe(true);
  });

  it('finds nothing wrong with arguments the codec encodes', () => {
    expect(argsProblems(model, codec, op('notify'), ['boot', { x: 1, y: 2 }])).toEqual([]);
    expect(argsProblems(model, codec, op('echoBytes'), { v: 'AQID' })).toEqual([]);
    expect(argsProblems(model, codec, op('echoBytes'), { v: '0x010203' })).toEqual([]);
    expect(argsProblems(model, codec, op('echoBytes'), { v: [1, 2, 3] })).toEqual([]);
  });

  it('says the argument count is wrong for positional arguments', () => {
    expect(argsProblems(model, codec, op('notify'), ['boot'])).toEqual([
      { path: '', message: 'notify(event, where) takes 2 argument(s), got 1' },
    ]);
  });
});

describe('bytes parameters written as text', () => {
  it('takes base64 and 0x-hex to the same bytes as the number array', () => {
    expect([...bytesOfText('AQID')]).toEqual([1, 2, 3]);
    expect([...bytesOfText('0x0102ff')]).toEqual([1, 2, 255]);
    const w = (v: unknown): string => Buffer.from(codec.encodeParams(op('echoBytes'), { v })).toString('hex');
    expect(w('AQID')).toBe(w([1, 2, 3]));
    expect(w('0x010203')).toBe(w([1, 2, 3]));
  });

  it('refuses a typo instead of sending other bytes', () => {
    expect(() => bytesOfText('0x0g')).toThrow(/not hex/);
    expect(() => bytesOfText('AQ-D')).toThrow(/base64/);
    expect(argsProblems(model, codec, op('echoBytes'), { v: '0x123' })[0]).toMatchObject({
      path: 'v',
      message: expect.stringMatching(/even number of digits/) as unknown,
    });
  });
});
