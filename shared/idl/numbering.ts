import type { CheckedInterface } from './check.js';
import type { QualifiedName } from './model.js';
import type { Place, Reporter } from './report.js';
import type { SourceFile, SourceRange } from './source.js';

/**
 * Interface and operation numbers (spec §1.7), then the checks a peer's limits call for.
 *
 * - `annotations` (HEAD): per-module interface counter in merged declaration order; `[index=N]`
 *   replaces an interface's or an operation's number and the counter still advances.
 * - `js-compat` (tce2js_requirejs): the same, but interface `[index]` is ignored.
 * - `legacy` (before 2016-09-10): one counter across all modules and files, starting at
 *   `legacyStart` (`-if N`), modules in order of first appearance; `ifx-index-list.txt` entries
 *   replace an interface's number (the counter still advances, as tce_util did). Those compilers
 *   predate annotations, so every `[index]` is ignored (an info diagnostic says so) and
 *   operations are numbered in declaration order.
 * Finally an `<InterfaceDef>` from services.xml is checked against the result or replaces it.
 */

/** The numbering mode: one of the three described above. */
export type Numbering = 'annotations' | 'legacy' | 'js-compat';

export interface InterfaceDefEntry {
  id: number;
  name: QualifiedName;
  range?: SourceRange;
}

/** The numbering part of the compiler's options (compile.ts `CompileOptions`). */
export interface NumberingOptions {
  numbering?: Numbering; // default 'annotations'
  legacyStart?: number; // -if N, default 0
  legacyIndexList?: SourceFile; // ifx-index-list.txt
  interfaceDef?: { entries: InterfaceDefEntry[]; mode: 'check' | 'override' };
}

const MAX_INDEX = 0xffff;
/** Java and C# read ifidx as a signed short. */
const SIGNED_SHORT = 0x8000;
/** C++ peers keep opidx in an int8. */
const SIGNED_BYTE = 0x80;

interface Origin {
  /** Where the number came from, for diagnostics about it. */
  range: Place;
}

export function assignIndexes(interfaces: CheckedInterface[], options: NumberingOptions, reporter: Reporter): void {
  const mode = options.numbering ?? 'annotations';
  const origins = new Map<CheckedInterface, Origin>();
  const legacyList =
    mode === 'legacy' && options.legacyIndexList
      ? parseIndexList(options.legacyIndexList, interfaces, reporter)
      : undefined;
  const perModule = new Map<string, number>();
  let global = options.legacyStart ?? 0;

  for (const c of interfaces) {
    const { decl } = c;
    let index: number;
    if (mode === 'legacy') index = global++;
    else {
      index = perModule.get(decl.module) ?? 0;
      perModule.set(decl.module, index + 1);
    }
    let origin: Origin = { range: decl.nameRange ?? decl.range };
    if (c.index && mode === 'annotations') {
      index = c.index.value;
      origin = { range: c.index.range };
    } else if (c.index) {
      reporter.info(
        'index-annotation-ignored',
        `${mode} numbering ignores interface annotations: '${decl.qname}' gets ifidx ${index}, not ${c.index.value}`,
        c.index.range,
      );
    }
    const listed = legacyList?.get(decl.qname);
    if (listed) {
      index = listed.value;
      origin = { range: listed.range };
    }
    decl.index = index;
    origins.set(c, origin);
    numberOperations(c, mode === 'legacy', reporter);
  }

  if (options.interfaceDef) applyInterfaceDef(interfaces, options.interfaceDef, mode, origins, reporter);
  checkInterfaceIndexes(interfaces, origins, mode, reporter);
}

function numberOperations(c: CheckedInterface, ignoreAnnotations: boolean, reporter: Reporter): void {
  const byIndex = new Map<number, string>();
  c.decl.operations.forEach((op, counter) => {
    const annotated = c.operationIndexes.get(op);
    op.index = counter;
    if (annotated && ignoreAnnotations) {
      reporter.info(
        'index-annotation-ignored',
        `legacy numbering ignores operation annotations: '${op.name}' gets opidx ${counter}, not ${annotated.value}`,
        annotated.range,
      );
    } else if (annotated) {
      op.index = annotated.value;
    }
    const range = (!ignoreAnnotations && annotated?.range) || op.nameRange || op.range;
    const other = byIndex.get(op.index);
    if (other !== undefined) {
      reporter.error(
        'duplicate-opidx',
        `opidx ${op.index} of '${op.name}' is also used by '${other}' in interface '${c.decl.qname}': a servant cannot dispatch both`,
        range,
      );
    } else byIndex.set(op.index, op.name);
    if (op.index >= SIGNED_BYTE) {
      reporter.warning(
        'opidx-range',
        `opidx ${op.index} of '${op.name}' is ≥ ${SIGNED_BYTE}: C++ peers keep opidx in an int8 and will call the wrong method`,
        range,
      );
    }
  });
}

function applyInterfaceDef(
  interfaces: CheckedInterface[],
  def: NonNullable<NumberingOptions['interfaceDef']>,
  mode: Numbering,
  origins: Map<CheckedInterface, Origin>,
  reporter: Reporter,
): void {
  const byName = new Map(interfaces.map((c) => [c.decl.qname, c]));
  const seen = new Map<QualifiedName, InterfaceDefEntry>();
  for (const entry of def.entries) {
    const range = entry.range ?? NO_RANGE;
    const dup = seen.get(entry.name);
    if (dup) {
      reporter.warning(
        'interfacedef-duplicate',
        `<InterfaceDef> lists '${entry.name}' twice (ids ${dup.id} and ${entry.id})`,
        range,
        dup.range ? [{ message: 'first listed here', range: dup.range }] : undefined,
      );
    }
    seen.set(entry.name, entry);
    const c = byName.get(entry.name);
    if (!c) {
      reporter.warning(
        'interfacedef-unknown',
        `<InterfaceDef> names '${entry.name}', which no IDL file declares`,
        range,
      );
      continue;
    }
    const { decl } = c;
    const idlRange = decl.nameRange ?? decl.range;
    if (def.mode === 'override') {
      if (decl.index !== entry.id) {
        reporter.info(
          'ifidx-overridden',
          `'${decl.qname}' uses ifidx ${entry.id} from <InterfaceDef>${entry.range ? ` (${reporter.where(entry.range)})` : ''}; the IDL (${mode} numbering) gives ${decl.index}`,
          idlRange,
        );
      }
      decl.index = entry.id;
      origins.set(c, { range: idlRange });
    } else if (decl.index !== entry.id) {
      const xmlPlace = entry.range ? ` (${reporter.where(entry.range)})` : '';
      reporter.error(
        'ifidx-mismatch',
        `'${decl.qname}' has ifidx ${decl.index} in the IDL (${mode} numbering) but <InterfaceDef> gives id ${entry.id}${xmlPlace}`,
        idlRange,
        entry.range ? [{ message: `<InterfaceDef> entry for '${decl.qname}'`, range: entry.range }] : undefined,
      );
      if (entry.range) {
        reporter.error(
          'ifidx-mismatch',
          `<InterfaceDef> gives '${decl.qname}' id ${entry.id} but the IDL (${mode} numbering) gives ${decl.index} (${reporter.where(idlRange)})`,
          entry.range,
          [{ message: `'${decl.qname}' is declared here`, range: idlRange }],
        );
      }
    }
  }
}

/** Where a diagnostic about an <InterfaceDef> entry without a known position goes. */
const NO_RANGE: SourceRange = {
  file: '<InterfaceDef>',
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

function checkInterfaceIndexes(
  interfaces: CheckedInterface[],
  origins: Map<CheckedInterface, Origin>,
  mode: Numbering,
  reporter: Reporter,
): void {
  const byIndex = new Map<number, CheckedInterface>();
  for (const c of interfaces) {
    const { decl } = c;
    const range = origins.get(c)!.range;
    if (!Number.isInteger(decl.index) || decl.index < 0 || decl.index > MAX_INDEX) {
      reporter.error(
        'index-out-of-range',
        `ifidx ${decl.index} of '${decl.qname}' does not fit the 16-bit ifidx field (0..${MAX_INDEX})`,
        range,
      );
      continue;
    }
    if (decl.index >= SIGNED_SHORT) {
      reporter.warning(
        'ifidx-range',
        `ifidx ${decl.index} of '${decl.qname}' is ≥ ${SIGNED_SHORT}: Java and C# peers read it as a negative number`,
        range,
      );
    }
    const first = byIndex.get(decl.index);
    if (!first) {
      byIndex.set(decl.index, c);
      continue;
    }
    const firstRange = origins.get(first)!.range;
    const why =
      first.decl.module !== decl.module && mode !== 'legacy'
        ? ' (each module numbers its interfaces from 0; give one of them an [index=N] annotation)'
        : '';
    reporter.warning(
      'duplicate-ifidx',
      `ifidx ${decl.index} of '${decl.qname}' is also used by '${first.decl.qname}' (${reporter.where(firstRange)}): peers that load both cannot tell them apart${why}`,
      range,
      [{ message: `'${first.decl.qname}' has ifidx ${decl.index}`, range: firstRange }],
    );
  }
}

/** `ifx-index-list.txt`: `module.Interface = N[,true|false]` lines; `#` lines and lines that do not match are ignored. */
function parseIndexList(
  file: SourceFile,
  interfaces: CheckedInterface[],
  reporter: Reporter,
): Map<QualifiedName, { value: number; range: SourceRange }> {
  const names = new Set(interfaces.map((c) => c.decl.qname));
  const result = new Map<QualifiedName, { value: number; range: SourceRange }>();
  const lines = file.text.split(/\r\n|\r|\n/);
  let offset = 0;
  lines.forEach((text, i) => {
    const range: SourceRange = {
      file: file.path,
      start: { line: i + 1, column: 1, offset },
      end: { line: i + 1, column: text.length + 1, offset: offset + text.length },
    };
    offset += text.length + (file.text.startsWith('\r\n', offset + text.length) ? 2 : 1);
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    const name = eq < 0 ? '' : trimmed.slice(0, eq).trim();
    const value =
      eq < 0
        ? ''
        : trimmed
            .slice(eq + 1)
            .split(',')[0]!
            .trim();
    if (!name || !/^\d+$/.test(value)) {
      reporter.info('index-list-syntax', `ignored line: expected 'module.Interface = N[,true|false]'`, range);
      return;
    }
    if (!names.has(name)) {
      reporter.info('index-list-unmatched', `ignored line: no interface '${name}' in the IDL`, range);
      return;
    }
    result.set(name, { value: Number(value), range });
  });
  return result;
}
