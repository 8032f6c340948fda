#!/usr/bin/env node
// tce2ts: IDL files → one TypeScript module per IDL module + ifxdef.xml (spec §4, §5, §1.7).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAll, generateIfxdef } from '../../shared/codegen/index.js';
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import { scanArgs, UsageError } from './args.js';
import { compileInputs, IDL_OPTIONS_USAGE, IdlOptions, InputError, type IdlInputs } from './idl-input.js';

const USAGE = `usage: tce2ts -i a.idl[,b.idl…] -o outdir [options]

  -i FILES             IDL files, comma separated (-i may be repeated); imports are
                       resolved relative to the importing file
  -o DIR               output directory, created if missing: <module>.ts per module and
                       ifxdef.xml (the <InterfaceDef> entries for services.xml)
${IDL_OPTIONS_USAGE}
  -h, --help           this text`;

interface Args {
  idl: IdlInputs;
  outDir: string;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const inputs: string[] = [];
  let outDir: string | undefined;
  const idl = new IdlOptions();
  const stop = scanArgs(argv, (arg, value) => {
    if (arg === '-h' || arg === '--help') return 'stop';
    if (arg === '-i')
      inputs.push(
        ...value()
          .split(',')
          .filter((p) => p !== ''),
      );
    else if (arg === '-o') outDir = value();
    else if (!idl.accept(arg, value)) {
      throw new UsageError(
        arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument '${arg}' (input files go after -i)`,
      );
    }
    return undefined;
  });
  if (stop === 'stop') return 'help';
  if (inputs.length === 0) throw new UsageError('no input files (-i)');
  if (outDir === undefined) throw new UsageError('no output directory (-o)');
  return { idl: idl.finish(inputs), outDir };
}

function run(argv: readonly string[]): number {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`tce2ts: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { result, diagnostics } = compileInputs(args.idl);
    for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (hasErrors(diagnostics)) return 1;
    // Everything is generated before anything is written: a failure leaves the output untouched.
    const files = [...generateAll(result.model), { path: 'ifxdef.xml', text: generateIfxdef(result.model) }];
    mkdirSync(args.outDir, { recursive: true });
    for (const f of files) writeFileSync(join(args.outDir, f.path), f.text);
    const interfaces = Object.keys(result.model.interfaces).length;
    process.stdout.write(
      `tce2ts: ${result.model.modules.length} module(s), ${interfaces} interface(s) → ${args.outDir}: ${files.map((f) => f.path).join(', ')}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`tce2ts: error: ${e.message}\n`);
    return 1;
  }
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`tce2ts: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
