// Reading IDL input as tce2ts and tce-call do: files, imports beside the importing file,
// numbering options, and the services.xml <InterfaceDef> check (--ifx).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compile, type CompileOptions, type CompileResult } from '../../shared/idl/compile.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import type { SourceFile } from '../../shared/idl/source.js';
import { interfaceDefEntries, parseServicesXml } from '../../shared/project/index.js';
import { choice, UsageError } from './args.js';
import { messageOf } from '../../shared/message-of.js';

export type Numbering = NonNullable<CompileOptions['numbering']>;
const NUMBERINGS: readonly Numbering[] = ['annotations', 'legacy', 'js-compat'];
const IFX_MODES = ['check', 'override'] as const;
export type IfxMode = (typeof IFX_MODES)[number];

export interface IdlInputs {
  files: string[];
  numbering: Numbering;
  legacyStart?: number;
  indexList?: string;
  ifx?: string;
  ifxMode: IfxMode;
}

/** Option lines for a CLI's usage text. */
export const IDL_OPTIONS_USAGE = `  --numbering MODE     interface/operation numbering (spec §1.7):
                         annotations  per module, [index=N] honoured (default)
                         legacy       one counter across all modules (pre-2016-09)
                         js-compat    like the JS generator: interface [index] ignored
  -if N                legacy numbering: first interface index (implies legacy)
  --index-list FILE    legacy numbering: ifx-index-list.txt overrides (implies legacy)
  --ifx FILE           services.xml whose <InterfaceDef> the numbering is checked against
  --ifx-mode MODE      check (default): differences are errors; override: <InterfaceDef> wins`;

/** Collects the numbering and --ifx options while a CLI walks its command line. */
export class IdlOptions {
  private numbering: Numbering | undefined;
  private legacyStart: number | undefined;
  private indexList: string | undefined;
  private ifx: string | undefined;
  private ifxMode: IfxMode | undefined;

  /** Takes the argument if it is one of these options; false if it is not. */
  accept(arg: string, value: () => string): boolean {
    switch (arg) {
      case '--numbering':
        this.numbering = choice('--numbering', value(), NUMBERINGS);
        return true;
      case '-if': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 0xffff)
          throw new UsageError(`-if needs an interface index 0..65535, not '${v}'`);
        this.legacyStart = Number(v);
        return true;
      }
      case '--index-list':
        this.indexList = value();
        return true;
      case '--ifx':
        this.ifx = value();
        return true;
      case '--ifx-mode':
        this.ifxMode = choice('--ifx-mode', value(), IFX_MODES);
        return true;
      default:
        return false;
    }
  }

  /** Checks how the options combine, once the whole command line is read. */
  finish(files: string[]): IdlInputs {
    const legacyOnly =
      this.legacyStart !== undefined ? '-if' : this.indexList !== undefined ? '--index-list' : undefined;
    if (legacyOnly && this.numbering !== undefined && this.numbering !== 'legacy')
      throw new UsageError(`${legacyOnly} applies to --numbering legacy only`);
    if (this.ifxMode !== undefined && this.ifx === undefined) throw new UsageError('--ifx-mode needs --ifx');
    const inputs: IdlInputs = {
      files,
      numbering: this.numbering ?? (legacyOnly ? 'legacy' : 'annotations'),
      ifxMode: this.ifxMode ?? 'check',
    };
    if (this.legacyStart !== undefined) inputs.legacyStart = this.legacyStart;
    if (this.indexList !== undefined) inputs.indexList = this.indexList;
    if (this.ifx !== undefined) inputs.ifx = this.ifx;
    return inputs;
  }
}

/** A file the user named could not be read: no output, with the reason. */
export class InputError extends Error {}

export function readSource(path: string): SourceFile {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    throw new InputError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : messageOf(e)}`,
    );
  }
}

/** Compile options from the inputs, plus what reading services.xml (for --ifx) reported. */
function compileOptions(inputs: IdlInputs): { options: CompileOptions; servicesDiagnostics: Diagnostic[] } {
  const options: CompileOptions = {
    numbering: inputs.numbering,
    resolveImport(fromPath, name) {
      const path = join(dirname(fromPath), `${name}.idl`);
      return existsSync(path) ? readSource(path) : undefined;
    },
  };
  if (inputs.legacyStart !== undefined) options.legacyStart = inputs.legacyStart;
  if (inputs.indexList !== undefined) options.legacyIndexList = readSource(inputs.indexList);
  if (inputs.ifx === undefined) return { options, servicesDiagnostics: [] };
  // Every services.xml problem is shown: the gateway reads the same file.
  const { services, diagnostics } = parseServicesXml(readSource(inputs.ifx));
  options.interfaceDef = { entries: interfaceDefEntries(services), mode: inputs.ifxMode };
  return { options, servicesDiagnostics: diagnostics };
}

/** IDL files in compile order first, then each other file's diagnostics by position. */
function ordered(idlFiles: readonly SourceFile[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = new Map(idlFiles.map((f, i) => [f.path, i]));
  const key = (d: Diagnostic): number => rank.get(d.range.file) ?? idlFiles.length;
  return [...diagnostics].sort(
    (a, b) =>
      key(a) - key(b) ||
      (key(a) === idlFiles.length
        ? a.range.file.localeCompare(b.range.file) || a.range.start.offset - b.range.start.offset
        : 0),
  );
}

/**
 * Compiles the inputs; `diagnostics` has the IDL's and services.xml's, in the order to print.
 * Throws InputError when a named file cannot be read.
 */
export function compileInputs(inputs: IdlInputs): { result: CompileResult; diagnostics: Diagnostic[] } {
  const { options, servicesDiagnostics } = compileOptions(inputs);
  const result = compile(inputs.files.map(readSource), options);
  return { result, diagnostics: ordered(result.files, [...result.diagnostics, ...servicesDiagnostics]) };
}
