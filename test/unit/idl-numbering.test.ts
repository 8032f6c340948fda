/** Interface and operation numbers (spec §1.7) in every numbering mode, and InterfaceDef check/override. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../../shared/idl/compile.js';
import { formatDiagnostic } from '../../shared/idl/diagnostics.js';
import { allOperations } from '../../shared/idl/model.js';
import type { SourceFile, SourceRange } from '../../shared/idl/source.js';

const sample = (name: string): SourceFile => ({
  path: `idl-samples/${name}`,
  text: readFileSync(`idl-samples/${name}`, 'utf8'),
});

const ifidx = (r: CompileResult): Record<string, number> =>
  Object.fromEntries(Object.values(r.model.interfaces).map((i) => [i.qname, i.index]));
const opidx = (r: CompileResult, qname: string): Record<string, number> =>
  Object.fromEntries(r.model.interfaces[qname]!.operations.map((o) => [o.name, o.index]));
const codes = (r: CompileResult): string[] => r.diagnostics.map((d) => `${d.severity} ${d.code}`);

/** idl/test.idl at HEAD as spec §1.7 and §4.6 describe it. */
const ANNOTATED_TEST_IDL: SourceFile = {
  path: 'annotated/test.idl',
  text: `module test{

	[index=11]
	interface BaseServer{
		[index=10]
		string datetime();
	};

	interface ITerminalGatewayServer{
		void ping();
	};

	[skeleton_js=false, skeleton_cpp=false, skeleton_objc=false, comment="the back end of the cluster example"]
	interface Server extends BaseServer{
		string echo(string text);
		void  timeout(int secs);
		void heartbeat(string hello);
		void bidirection();
	};

	interface ITerminal{
		void onMessage(string  message);
	};

}

//-- stranger -----------------------------
`,
};

describe('the sample IDLs', () => {
  it('test.idl: BaseServer 0, ITerminalGatewayServer 1, Server 2, ITerminal 3', () => {
    const r = compile([sample('test.idl')]);
    expect(r.diagnostics).toEqual([]);
    expect(ifidx(r)).toEqual({
      'test.BaseServer': 0,
      'test.ITerminalGatewayServer': 1,
      'test.Server': 2,
      'test.ITerminal': 3,
    });
    expect(opidx(r, 'test.Server')).toEqual({ echo: 0, timeout: 1, heartbeat: 2, bidirection: 3 });
    const server = r.model.interfaces['test.Server']!;
    expect(server.base).toBe('test.BaseServer');
    // Inherited operations keep their owner's (ifidx, opidx).
    const datetime = allOperations(r.model, server).find((o) => o.name === 'datetime')!;
    expect([datetime.owner, datetime.index, r.model.interfaces[datetime.owner]!.index]).toEqual([
      'test.BaseServer',
      0,
      0,
    ]);
    expect(r.model.interfaces['test.ITerminal']!.operations[0]!.returns).toEqual({ kind: 'void' });
    expect(r.model.interfaces['test.BaseServer']!.operations[0]!.returns).toEqual({ kind: 'builtin', name: 'string' });
  });

  it('sns.idl: 0..4 = BaseServer, ITerminalGatewayServer, Server, ITerminal, IMessageServer', () => {
    const r = compile([sample('sns.idl')]);
    expect(r.diagnostics).toEqual([]);
    expect(ifidx(r)).toEqual({
      'sns.BaseServer': 0,
      'sns.ITerminalGatewayServer': 1,
      'sns.Server': 2,
      'sns.ITerminal': 3,
      'sns.IMessageServer': 4,
    });
    expect(opidx(r, 'sns.IMessageServer')).toEqual({ onUserOnLine: 0, onUserOffLine: 1, postMessage: 2 });
    expect(r.model.modules.map((m) => [m.name, m.types])).toEqual([['sns', ['sns.Tick_t', 'sns.Message_t']]]);
    const message = r.model.types['sns.Message_t']!;
    expect(message.kind === 'struct' && message.fields.map((f) => [f.name, f.type])).toEqual([
      ['tick', { kind: 'ref', name: 'sns.Tick_t' }],
      ['sender_id', { kind: 'builtin', name: 'string' }],
      ['issue_time', { kind: 'builtin', name: 'string' }],
      ['content', { kind: 'builtin', name: 'string' }],
    ]);
  });

  it('all-types.idl: MoreTypes [index=20], lookup [index=5], reset 1, every type resolved', () => {
    const r = compile([sample('all-types.idl')]);
    expect(r.diagnostics).toEqual([]);
    expect(ifidx(r)).toEqual({ 'alltypes.AllTypes': 0, 'alltypes.MoreTypes': 20 });
    expect(opidx(r, 'alltypes.MoreTypes')).toEqual({ lookup: 5, reset: 1 });
    expect(opidx(r, 'alltypes.AllTypes')).toMatchObject({ echoByte: 0, echoList: 11, notify: 12 });
    const more = r.model.interfaces['alltypes.MoreTypes']!;
    expect(more.annotations).toEqual({ index: '20', comment: 'inherits every operation of AllTypes' });
    expect(more.doc).toBe('inherits every operation of AllTypes');
    expect(allOperations(r.model, more)).toHaveLength(15);
    expect(r.model.modules[0]!.types).toHaveLength(21);
    expect(r.model.types['alltypes.IntMatrix']).toMatchObject({
      kind: 'sequence',
      element: { kind: 'ref', name: 'alltypes.IntList' },
    });
    expect(r.model.types['alltypes.NestedMap']).toMatchObject({
      kind: 'dictionary',
      key: { kind: 'builtin', name: 'string' },
      value: { kind: 'ref', name: 'alltypes.StrStrMap' },
    });
  });

  it('the annotated test.idl of spec §1.7: BaseServer [index=11] → 11, then 1, 2, 3; datetime [index=10]', () => {
    const r = compile([ANNOTATED_TEST_IDL]);
    expect(r.diagnostics).toEqual([]);
    expect(ifidx(r)).toEqual({
      'test.BaseServer': 11,
      'test.ITerminalGatewayServer': 1,
      'test.Server': 2,
      'test.ITerminal': 3,
    });
    expect(opidx(r, 'test.BaseServer')).toEqual({ datetime: 10 });
    const server = r.model.interfaces['test.Server']!;
    expect(server.annotations).toMatchObject({ skeleton_js: 'false', skeleton_cpp: 'false' });
    expect(server.doc).toBe('the back end of the cluster example');
  });
});

describe('js-compat numbering (tce2js_requirejs)', () => {
  it('ignores interface [index] (BaseServer 0) but honours operation [index]', () => {
    const r = compile([ANNOTATED_TEST_IDL], { numbering: 'js-compat' });
    expect(ifidx(r)).toEqual({
      'test.BaseServer': 0,
      'test.ITerminalGatewayServer': 1,
      'test.Server': 2,
      'test.ITerminal': 3,
    });
    expect(opidx(r, 'test.BaseServer')).toEqual({ datetime: 10 });
    expect(codes(r)).toEqual(['info index-annotation-ignored']);
    expect(r.diagnostics[0]!.message).toContain("'test.BaseServer' gets ifidx 0, not 11");
  });
});

describe('legacy numbering (one global counter, -if N, ifx-index-list.txt)', () => {
  const first: SourceFile = {
    path: 'legacy/first.idl',
    text: 'module m1{\n\t[index=5]\n\tinterface A{ [index=9] void a0(); void a1(); };\n\tinterface B{ void b(); };\n}\nmodule m2{\n\tinterface C{ void c(); };\n}\n',
  };
  const second: SourceFile = {
    path: 'legacy/second.idl',
    text: 'module m2{\n\tinterface D{ void d(); };\n}\nmodule m1{\n\tinterface E{ void e(); };\n}\n',
  };

  it('counts across modules and files from -if N, modules in order of first appearance', () => {
    const r = compile([first, second], { numbering: 'legacy', legacyStart: 100 });
    // m1 (A, B, then E from the second file), then m2 (C, then D): the original walked each merged module in turn.
    expect(ifidx(r)).toEqual({ 'm1.A': 100, 'm1.B': 101, 'm1.E': 102, 'm2.C': 103, 'm2.D': 104 });
    expect(opidx(r, 'm1.A')).toEqual({ a0: 0, a1: 1 });
    // Pre-annotation compilers: both annotations are ignored, and the user is told.
    expect(codes(r)).toEqual(['info index-annotation-ignored', 'info index-annotation-ignored']);
  });

  it('takes ifx-index-list.txt overrides; the counter still advances; other lines are ignored', () => {
    const list: SourceFile = {
      path: 'legacy/ifx-index-list.txt',
      text: '# interface indexes\nm2.C = 7,false\nm1.B=300\nnot an entry\nm1.Nope = 3\n',
    };
    const r = compile([first, second], { numbering: 'legacy', legacyStart: 100, legacyIndexList: list });
    expect(ifidx(r)).toEqual({ 'm1.A': 100, 'm1.B': 300, 'm1.E': 102, 'm2.C': 7, 'm2.D': 104 });
    const listDiagnostics = r.diagnostics
      .filter((d) => d.range.file === list.path)
      .map((d) => `${d.range.start.line} ${d.severity} ${d.code}`);
    expect(listDiagnostics).toEqual(['4 info index-list-syntax', '5 info index-list-unmatched']);
    expect(r.diagnostics.every((d) => d.severity === 'info')).toBe(true);
  });

  it('defaults to a counter starting at 0', () => {
    const r = compile([sample('test.idl'), sample('sns.idl')], { numbering: 'legacy' });
    expect(ifidx(r)).toMatchObject({
      'test.BaseServer': 0,
      'test.ITerminal': 3,
      'sns.BaseServer': 4,
      'sns.IMessageServer': 8,
    });
    expect(r.diagnostics).toEqual([]);
  });
});

describe('InterfaceDef from services.xml', () => {
  const xml = (line: number, column: number): SourceRange => ({
    file: 'cluster/services.xml',
    start: { line, column, offset: line * 100 + column },
    end: { line, column: column + 30, offset: line * 100 + column + 30 },
  });

  it('check: a mismatch is an error at the IDL interface and at the services.xml entry, naming both numbers and places', () => {
    const r = compile([sample('test.idl')], {
      interfaceDef: {
        mode: 'check',
        entries: [
          { id: 0, name: 'test.BaseServer', range: xml(3, 5) },
          { id: 5, name: 'test.Server', range: xml(4, 5) },
          { id: 9, name: 'test.Gone', range: xml(5, 5) },
        ],
      },
    });
    expect(ifidx(r)['test.Server']).toBe(2);
    const [idlSide, ...rest] = r.diagnostics;
    expect(idlSide).toMatchObject({
      severity: 'error',
      code: 'ifidx-mismatch',
      range: { file: 'idl-samples/test.idl', start: { line: 13, column: 12 } },
    });
    expect(idlSide!.message).toBe(
      "'test.Server' has ifidx 2 in the IDL (annotations numbering) but <InterfaceDef> gives id 5 (cluster/services.xml:4:5)",
    );
    expect(idlSide!.related).toEqual([{ message: "<InterfaceDef> entry for 'test.Server'", range: xml(4, 5) }]);
    expect(rest.map((d) => [d.severity, d.code, d.range.start.line])).toEqual([
      ['error', 'ifidx-mismatch', 4],
      ['warning', 'interfacedef-unknown', 5],
    ]);
    expect(rest[0]!.message).toBe(
      "<InterfaceDef> gives 'test.Server' id 5 but the IDL (annotations numbering) gives 2 (idl-samples/test.idl:13:12)",
    );
  });

  it('check: the cluster example agrees with its services.xml; the annotated test.idl does not', () => {
    // A minimal reading of <if id= name=/> with positions (the project model does this properly).
    const path = 'idl-samples/cluster/services.xml';
    const text = readFileSync(path, 'utf8');
    const entries = [...text.matchAll(/<if id="(\d+)" name="([^"]+)"\/>/g)].map((m) => {
      const line = text.slice(0, m.index).split('\n').length;
      const column = m.index - text.lastIndexOf('\n', m.index - 1);
      const start = { line, column, offset: m.index };
      const end = { line, column: column + m[0].length, offset: m.index + m[0].length };
      return { id: Number(m[1]), name: m[2]!, range: { file: path, start, end } };
    });
    expect(entries).toHaveLength(4);
    expect(compile([sample('cluster/test.idl')], { interfaceDef: { mode: 'check', entries } }).diagnostics).toEqual([]);
    const annotated = compile([ANNOTATED_TEST_IDL], { interfaceDef: { mode: 'check', entries } });
    expect(annotated.diagnostics.map(formatDiagnostic)).toEqual([
      "annotated/test.idl:4:12: error: 'test.BaseServer' has ifidx 11 in the IDL (annotations numbering) but <InterfaceDef> gives id 0 (idl-samples/cluster/services.xml:6:3)",
      "idl-samples/cluster/services.xml:6:3: error: <InterfaceDef> gives 'test.BaseServer' id 0 but the IDL (annotations numbering) gives 11 (annotated/test.idl:4:12)",
    ]);
  });

  it('check: an entry without a position still gives the IDL-side error', () => {
    const r = compile([sample('test.idl')], {
      interfaceDef: { mode: 'check', entries: [{ id: 7, name: 'test.ITerminal' }] },
    });
    expect(r.diagnostics.map((d) => [d.code, d.range.file])).toEqual([['ifidx-mismatch', 'idl-samples/test.idl']]);
  });

  it('override: the InterfaceDef ids replace the computed ones', () => {
    const r = compile([sample('test.idl')], {
      interfaceDef: {
        mode: 'override',
        entries: [
          { id: 40, name: 'test.Server', range: xml(4, 5) },
          { id: 1, name: 'test.ITerminalGatewayServer' },
        ],
      },
    });
    expect(ifidx(r)).toEqual({
      'test.BaseServer': 0,
      'test.ITerminalGatewayServer': 1,
      'test.Server': 40,
      'test.ITerminal': 3,
    });
    expect(codes(r)).toEqual(['info ifidx-overridden']);
  });

  it('override: the final numbers are checked for collisions', () => {
    const r = compile([sample('test.idl')], {
      interfaceDef: { mode: 'override', entries: [{ id: 0, name: 'test.Server' }] },
    });
    expect(codes(r)).toEqual(['info ifidx-overridden', 'warning duplicate-ifidx']);
  });
});

describe('collisions and limits', () => {
  it('two modules compiled together collide at ifidx 0 (per-module counters)', () => {
    const r = compile([sample('test.idl'), sample('sns.idl')]);
    const collisions = r.diagnostics.filter((d) => d.code === 'duplicate-ifidx');
    expect(collisions).toHaveLength(4);
    expect(collisions[0]!.message).toContain("ifidx 0 of 'sns.BaseServer' is also used by 'test.BaseServer'");
    expect(collisions[0]!.message).toContain('[index=N]');
    expect(collisions[0]!.related?.[0]?.range.file).toBe('idl-samples/test.idl');
  });

  it('a legacy start past 65535 is out of range', () => {
    const r = compile([sample('test.idl')], { numbering: 'legacy', legacyStart: 65535 });
    expect(codes(r)).toEqual([
      'warning ifidx-range',
      'error index-out-of-range',
      'error index-out-of-range',
      'error index-out-of-range',
    ]);
  });

  it('more than 128 operations: opidx 128 and up warn about C++ peers', () => {
    const ops = Array.from({ length: 130 }, (_, i) => `void op${i}();`).join('\n');
    const r = compile([{ path: 'many.idl', text: `module m{ interface Big{\n${ops}\n}; }` }]);
    expect(codes(r)).toEqual(['warning opidx-range', 'warning opidx-range']);
    expect(r.diagnostics.map((d) => d.range.start.line)).toEqual([130, 131]);
  });
});
