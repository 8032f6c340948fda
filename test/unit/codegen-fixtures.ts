// The IDL behind test/golden: the three samples plus inline cases for numbering and naming.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compile } from '../../shared/idl/compile.js';
import { formatDiagnostic } from '../../shared/idl/diagnostics.js';
import type { IdlModel } from '../../shared/idl/model.js';
import type { SourceFile } from '../../shared/idl/source.js';

export const ROOT = join(import.meta.dirname, '..', '..');

const sample = (name: string): SourceFile[] => {
  const path = `idl-samples/${name}.idl`;
  return [{ path, text: readFileSync(join(ROOT, path), 'utf8') }];
};

/** idl/test.idl as annotated at HEAD (spec §1.7 rule 2, §4.6): BaseServer 11, then 1, 2, 3. */
const ANNOTATED = `module test{
	[index=11, comment="annotated as in idl/test.idl at HEAD"]
	interface BaseServer{
		[index=10] string datetime();
	};

	interface ITerminalGatewayServer{
		void ping();
	};

	[skeleton_js=false, skeleton_java=true]
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
`;

/** Names that collide with TS reserved words, globals, runtime imports and generated names. */
const NAMING = `import far
module edge{
	struct Map{
		int size;
	};
	struct Proxy{
		string target;
	};
	struct ServerProxy{
		bool on;
	};
	struct Rec{
		int default;
		string __proto__;
		int class;
		int class_;
		int constructor;
		long toString;
		delete::Far_t far;
	};
	sequence<Rec> w;
	dictionary<string, w> e;
	interface Server{
		void constructor(string options, int w, Rec class, Map Map);
		string then();
		void heartbeat(string r);
		void heartbeatOneway();
		void ping();
	};
	interface Sub extends delete::Base0{
		w pingOneway(e ctx);
	};
	interface Sub2 extends Server{
		void pingOneway();
	};
}
`;

const FAR = `module delete{
	struct Far_t{
		int x;
	};
	[index=9]
	interface Base0{
		void ping();
	};
}
`;

/** Each golden case: the files given to the compiler (imports are found among them, as the CLI would on disk). */
export const GOLDEN_CASES: Record<string, SourceFile[]> = {
  test: sample('test'),
  sns: sample('sns'),
  'all-types': sample('all-types'),
  annotated: [{ path: 'annotated/test.idl', text: ANNOTATED }],
  naming: [
    { path: 'naming/edge.idl', text: NAMING },
    { path: 'naming/far.idl', text: FAR },
  ],
};

/** Compiles IDL that must be valid; any diagnostic fails the calling test. */
export function compileValid(files: SourceFile[]): IdlModel {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const result = compile(files.slice(0, 1), {
    resolveImport: (from, name) => byPath.get(join(dirname(from), `${name}.idl`)),
  });
  if (result.diagnostics.length > 0) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  if (result.files.length !== files.length)
    throw new Error(`unused fixture files: ${files.map((f) => basename(f.path)).join(', ')}`);
  return result.model;
}

export const caseModel = (name: string): IdlModel => compileValid(GOLDEN_CASES[name]!);

/**
 * Where a case's expected output lives, relative to the repository root. Code that runs on
 * tce2ts's output keeps it beside itself and that folder is the case's golden: the sample back
 * end's for idl-samples/test.idl, and support/generated (shared by tests and benchmarks) for
 * sns.idl. One copy each, checked byte for byte, that can never drift from the generator.
 */
const OUTSIDE_TEST: Record<string, string> = { test: 'electron/sample-server/generated', sns: 'support/generated/sns' };
export const goldenDir = (name: string): string => OUTSIDE_TEST[name] ?? `test/golden/${name}`;
