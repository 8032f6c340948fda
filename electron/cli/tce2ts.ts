#!/usr/bin/env node
// tce2ts: IDL files → one TypeScript module per IDL module + ifxdef.xml (spec §4, §5, §1.7).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateAll, generateIfxdef } from '../../shared/codegen/index.js';
import { compile, type CompileOptions } from '../../shared/idl/compile.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../shared/idl/diagnostics.js';
import type { SourceFile } from '../../shared/idl/source.js';
import { interfaceDefEntries, parseServicesXml } from '../../shared/project/index.js';

const USAGE = `usage: tce2ts -i a.idl[,b.idl…] -o outdir [options]

  -i FILES             IDL files, comma separated (-i may be repeated); imports are
                       resolved relative to the importing file
  -o DIR               output directory, created if missing: <module>.ts per module and
                       ifxdef.xml (the <InterfaceDef> entries for services.xml)
  --numbering MODE     interface/operation numbering (spec §1.7):
                         annotations  per module, [index=N] honoured (default)
                         legacy       one counter across all modules (pre-2016-09)
                         js-compat    like the JS generator: interface [index] ignored
  -if N                legacy numbering: first interface index (implies legacy)
  --index-list FILE    legacy numbering: ifx-index-list.txt overrides (implies legacy)
  --ifx FILE           services.xml whose <InterfaceDef> the numbering is checked against
  --ifx-mode MODE      check (default): differences are errors; override: <InterfaceDef> wins
  -h, --help           this text`;

type Numbering = NonNullable<CompileOptions['numbering']>;
const NUMBERINGS: readonly Numbering[] = ['annotations', 'legacy', 'js-compat'];
const IFX_MODES = ['check', 'override'] as const;
type IfxMode = (typeof IFX_MODES)[number];

interface Args {
  inputs: string[];
  outDir: string;
  numbering: Numbering;
  legacyStart?: number;
  indexList?: string;
  ifx?: string;
  ifxMode: IfxMode;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const inputs: string[] = [];
  let outDir: string | undefined;
  let numbering: Numbering | undefined;
  let legacyStart: number | undefined;
  let indexList: string | undefined;
  let ifx: string | undefined;
  let ifxMode: IfxMode | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '-i':
        inputs.push(...value().split(',').filter((p) => p !== ''));
        break;
      case '-o':
        outDir = value();
        break;
      case '--numbering': {
        const v = value();
        numbering = NUMBERINGS.find((n) => n === v);
        if (!numbering) throw new UsageError(`--numbering must be one of ${NUMBERINGS.join(', ')}, not '${v}'`);
        break;
      }
      case '-if': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 0xffff) throw new UsageError(`-if needs an interface index 0..65535, not '${v}'`);
        legacyStart = Number(v);
        break;
      }
      case '--index-list':
        indexList = value();
        break;
      case '--ifx':
        ifx = value();
        break;
      case '--ifx-mode': {
        const v = value();
        ifxMode = IFX_MODES.find((m) => m === v);
        if (!ifxMode) throw new UsageError(`--ifx-mode must be check or override, not '${v}'`);
        break;
      }
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument '${arg}' (input files go after -i)`);
    }
  }
  if (inputs.length === 0) throw new UsageError('no input files (-i)');
  if (outDir === undefined) throw new UsageError('no output directory (-o)');
  const legacyOnly = legacyStart !== undefined ? '-if' : indexList !== undefined ? '--index-list' : undefined;
  if (legacyOnly && numbering !== undefined && numbering !== 'legacy') throw new UsageError(`${legacyOnly} applies to --numbering legacy only`);
  if (ifxMode !== undefined && ifx === undefined) throw new UsageError('--ifx-mode needs --ifx');
  const args: Args = { inputs, outDir, numbering: numbering ?? (legacyOnly ? 'legacy' : 'annotations'), ifxMode: ifxMode ?? 'check' };
  if (legacyStart !== undefined) args.legacyStart = legacyStart;
  if (indexList !== undefined) args.indexList = indexList;
  if (ifx !== undefined) args.ifx = ifx;
  return args;
}

/** A file the user named; unreadable means no output, with the reason. */
function readSource(path: string): SourceFile {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

class InputError extends Error {}

/** Compile options from the arguments, plus what reading services.xml (for --ifx) reported. */
function compileOptions(args: Args): { options: CompileOptions; servicesDiagnostics: Diagnostic[] } {
  const options: CompileOptions = {
    numbering: args.numbering,
    resolveImport(fromPath, name) {
      const path = join(dirname(fromPath), `${name}.idl`);
      return existsSync(path) ? readSource(path) : undefined;
    },
  };
  if (args.legacyStart !== undefined) options.legacyStart = args.legacyStart;
  if (args.indexList !== undefined) options.legacyIndexList = readSource(args.indexList);
  if (args.ifx === undefined) return { options, servicesDiagnostics: [] };
  // Every services.xml problem is shown: the gateway reads the same file.
  const { services, diagnostics } = parseServicesXml(readSource(args.ifx));
  options.interfaceDef = { entries: interfaceDefEntries(services), mode: args.ifxMode };
  return { options, servicesDiagnostics: diagnostics };
}

/** IDL files in compile order first, then each other file's diagnostics by position. */
function ordered(idlFiles: readonly SourceFile[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = new Map(idlFiles.map((f, i) => [f.path, i]));
  const key = (d: Diagnostic): number => rank.get(d.range.file) ?? idlFiles.length;
  return [...diagnostics].sort(
    (a, b) => key(a) - key(b) || (key(a) === idlFiles.length ? a.range.file.localeCompare(b.range.file) || a.range.start.offset - b.range.start.offset : 0),
  );
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
    const { options, servicesDiagnostics } = compileOptions(args);
    const result = compile(args.inputs.map(readSource), options);
    const diagnostics = ordered(result.files, [...result.diagnostics, ...servicesDiagnostics]);
    for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (hasErrors(diagnostics)) return 1;
    // Everything is generated before anything is written: a failure leaves the output untouched.
    const files = [...generateAll(result.model), { path: 'ifxdef.xml', text: generateIfxdef(result.model) }];
    mkdirSync(args.outDir, { recursive: true });
    for (const f of files) writeFileSync(join(args.outDir, f.path), f.text);
    const interfaces = Object.keys(result.model.interfaces).length;
    process.stdout.write(`tce2ts: ${result.model.modules.length} module(s), ${interfaces} interface(s) → ${args.outDir}: ${files.map((f) => f.path).join(', ')}\n`);
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
