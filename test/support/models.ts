import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../shared/idl/compile.js';
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import type { IdlModel } from '../../shared/idl/model.js';

/** Checked models of the IDL samples, compiled by the project's own IDL compiler. */

const ROOT = join(import.meta.dirname, '..', '..');

function compiled(path: string, text: string): IdlModel {
  const { model, diagnostics } = compile([{ path, text }]);
  if (hasErrors(diagnostics))
    throw new Error(`${path} does not compile:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return model;
}

const sample = (name: string): IdlModel => {
  const path = `idl-samples/${name}.idl`;
  return compiled(path, readFileSync(join(ROOT, path), 'utf8'));
};

/** idl/test.idl as annotated in the original repository (spec §4.6): BaseServer [index=11], datetime [index=10]. */
const ANNOTATED_TEST_IDL = `module test{
	[index=11]
	interface BaseServer{
		[index=10] string datetime();
	};
	interface ITerminalGatewayServer{
		void ping();
	};
	interface Server extends BaseServer{
		string echo(string text);
		void timeout(int secs);
		void heartbeat(string hello);
		void bidirection();
	};
	interface ITerminal{
		void onMessage(string message);
	};
}
`;

/** idl-samples/test.idl, or the spec's annotated original. */
export const testModel = (annotated = false): IdlModel =>
  annotated ? compiled('annotated/test.idl', ANNOTATED_TEST_IDL) : sample('test');

export const snsModel = (): IdlModel => sample('sns');

export const allTypesModel = (): IdlModel => sample('all-types');
