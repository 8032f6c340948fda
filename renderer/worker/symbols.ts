import type { ModuleNode, TypeRefNode } from '../../shared/idl/ast.js';
import type { CompileResult } from '../../shared/idl/compile.js';
import {
  allOperations,
  declarationOf,
  typeRefToString,
  type IdlModel,
  type InterfaceDecl,
  type Operation,
  type TypeDecl,
} from '../../shared/idl/model.js';
import { positionsOf } from '../../shared/idl/positions.js';
import type { SourceSpan } from '../../shared/idl/source.js';
import type { Occurrence, Span, SymbolInfo } from './protocol.js';

/**
 * The editor's symbol index: every declared name (with a hover text that shows what the
 * checked model made of it — ifidx, opidx, base, fields) and every place a name is written,
 * so hover and go-to-definition work across files without asking the host.
 */
export interface SymbolIndex {
  symbols: Record<string, SymbolInfo>;
  occurrences: Record<string, Occurrence[]>;
}

export const operationKey = (iface: string, op: string): string => `${iface}#${op}`;

export function buildSymbolIndex({ files, asts, model }: Pick<CompileResult, 'files' | 'asts' | 'model'>): SymbolIndex {
  const lines = new Map(files.map((f) => [f.path, positionsOf(f)]));
  /** Every span is in one of `files`: the ASTs are theirs. */
  const span = (s: SourceSpan): Span => {
    const { start, end } = lines.get(s.file)!.range(s.start, s.end);
    return { file: s.file, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  };
  const symbols: Record<string, SymbolInfo> = {};
  const occurrences: Record<string, Occurrence[]> = {};
  const declare = (info: SymbolInfo): void => {
    if (!symbols[info.key]) symbols[info.key] = info;
    mark(info.span, info.key);
  };
  const mark = (s: Span, key: string): void => {
    (occurrences[s.file] ??= []).push({ span: s, key });
  };
  const refer = (ref: TypeRefNode, mod: string): void => {
    const key = resolveRef(model, ref, mod);
    if (key) mark(span(ref.nameRange), key);
    if (ref.module && ref.moduleRange) mark(span(ref.moduleRange), `module:${ref.module}`);
  };

  for (const ast of asts) {
    for (const item of ast.items) {
      if (item.kind !== 'module') continue;
      declare({
        key: `module:${item.name}`,
        kind: 'module',
        name: item.name,
        span: span(item.nameRange),
        hover: moduleHover(model, item),
      });
      for (const el of item.elements) {
        const qname = `${item.name}.${el.name}`;
        switch (el.kind) {
          case 'struct':
            declare(typeSymbol(model, qname, span(el.nameRange)));
            for (const m of el.members) {
              refer(m.type, item.name);
              declare({
                key: `${qname}.${m.name}`,
                kind: 'member',
                name: m.name,
                span: span(m.nameRange),
                hover: code(`${typeText(m.type)} ${m.name}`) + `\n\nfield of \`${qname}\``,
              });
            }
            break;
          case 'sequence':
            declare(typeSymbol(model, qname, span(el.nameRange)));
            refer(el.element, item.name);
            break;
          case 'dictionary':
            declare(typeSymbol(model, qname, span(el.nameRange)));
            refer(el.key, item.name);
            refer(el.value, item.name);
            break;
          case 'interface': {
            const decl = model.interfaces[qname];
            declare({
              key: qname,
              kind: 'interface',
              name: el.name,
              span: span(el.nameRange),
              hover: decl
                ? interfaceHover(model, decl)
                : code(`interface ${qname}`) + '\n\n*not in the checked model (see the errors)*',
            });
            if (el.base) refer(el.base, item.name);
            for (const op of el.operations) {
              const opDecl = decl?.operations.find((o) => o.name === op.name);
              const key = operationKey(qname, op.name);
              declare({
                key,
                kind: 'operation',
                name: op.name,
                span: span(op.nameRange),
                hover:
                  opDecl && decl
                    ? operationHover(decl, opDecl)
                    : code(`${op.name}(…)`) + '\n\n*not in the checked model*',
              });
              refer(op.returns, item.name);
              for (const p of op.params) {
                refer(p.type, item.name);
                declare({
                  key: `${key}(${p.name})`,
                  kind: 'param',
                  name: p.name,
                  span: span(p.nameRange),
                  hover: code(`${typeText(p.type)} ${p.name}`) + `\n\nparameter of \`${qname}.${op.name}\``,
                });
              }
            }
            break;
          }
        }
      }
    }
  }
  for (const list of Object.values(occurrences))
    list.sort((a, b) => a.span.startLine - b.span.startLine || a.span.startColumn - b.span.startColumn);
  return { symbols, occurrences };
}

/** What a written type name denotes, as the checker resolves it (same module first, or `module::Name`). */
function resolveRef(model: IdlModel, ref: TypeRefNode, mod: string): string | undefined {
  const qname = `${ref.module ?? mod}.${ref.name}`;
  return model.types[qname] || model.interfaces[qname] ? qname : undefined;
}

const code = (text: string): string => `\`\`\`tce-idl\n${text}\n\`\`\``;
const typeText = (t: TypeRefNode): string => (t.module ? `${t.module}::${t.name}` : t.name);

function typeSymbol(model: IdlModel, qname: string, nameSpan: Span): SymbolInfo {
  const decl = model.types[qname];
  return {
    key: qname,
    kind: decl?.kind ?? 'struct',
    name: qname.slice(qname.lastIndexOf('.') + 1),
    span: nameSpan,
    hover: decl ? typeHover(decl) : code(qname) + '\n\n*not in the checked model*',
  };
}

function typeHover(decl: TypeDecl): string {
  const doc = decl.doc ? `\n\n${decl.doc}` : '';
  switch (decl.kind) {
    case 'struct':
      return (
        code(
          `struct ${decl.qname} {\n${decl.fields.map((f) => `  ${typeRefToString(f.type)} ${f.name};`).join('\n')}\n}`,
        ) + doc
      );
    case 'sequence':
      return code(`sequence<${typeRefToString(decl.element)}> ${decl.qname}`) + doc;
    case 'dictionary':
      return code(`dictionary<${typeRefToString(decl.key)}, ${typeRefToString(decl.value)}> ${decl.qname}`) + doc;
  }
}

function signature(op: Operation): string {
  return `${typeRefToString(op.returns)} ${op.name}(${op.params.map((p) => `${typeRefToString(p.type)} ${p.name}`).join(', ')})`;
}

function interfaceHover(model: IdlModel, decl: InterfaceDecl): string {
  const ops = allOperations(model, decl);
  const lines = ops.map((op) => {
    const inherited =
      op.owner === decl.qname
        ? ''
        : ` — inherited from \`${op.owner}\` (ifidx ${declarationOf(model, decl, op).ifidx})`;
    return `- opidx **${op.index}** \`${op.name}\`${inherited}`;
  });
  const base = decl.base ? ` extends ${decl.base}` : '';
  return [
    code(`interface ${decl.qname}${base}`),
    `ifidx **${decl.index}**`,
    ...(decl.doc ? [decl.doc] : []),
    lines.length ? lines.join('\n') : '*no operations*',
  ].join('\n\n');
}

function operationHover(iface: InterfaceDecl, op: Operation): string {
  const oneway =
    op.returns.kind === 'void' ? 'void: callable two-way, one-way or async' : 'returns a value: two-way or async only';
  return [
    code(signature(op)),
    `\`${iface.qname}\` ifidx **${iface.index}**, opidx **${op.index}** — ${oneway}`,
    ...(op.doc ? [op.doc] : []),
  ].join('\n\n');
}

function moduleHover(model: IdlModel, node: ModuleNode): string {
  const mod = model.modules.find((m) => m.name === node.name);
  if (!mod) return code(`module ${node.name}`);
  return `${code(`module ${node.name}`)}\n\n${mod.interfaces.length} interface(s), ${mod.types.length} type(s) in ${mod.files.length} file(s)`;
}
