import type { IdlModel, QualifiedName, TypeRef } from '../idl/model.js';
import { declName, freeName, type ModuleNaming } from './names.js';

/** What generated code may import from the runtime. */
export type RuntimeSymbol =
  | 'ByteReader'
  | 'ByteWriter'
  | 'CallContext'
  | 'CallOptions'
  | 'NO_PARAMS'
  | 'OnewayOptions'
  | 'OperationTable'
  | 'Proxy'
  | 'Servant';

const TYPE_ONLY: ReadonlySet<RuntimeSymbol> = new Set([
  'ByteReader',
  'ByteWriter',
  'CallContext',
  'CallOptions',
  'OnewayOptions',
  'OperationTable',
]);
const RUNTIME_ORDER: readonly RuntimeSymbol[] = [
  'ByteReader',
  'ByteWriter',
  'CallContext',
  'CallOptions',
  'NO_PARAMS',
  'OnewayOptions',
  'OperationTable',
  'Proxy',
  'Servant',
];

/** The module-scope names of one generated file and what it imports, collected while emitting. */
export class FileScope {
  private readonly aliases = new Map<string, string>();
  private readonly runtimeLocal = new Map<RuntimeSymbol, string>();
  private readonly usedRuntime = new Set<RuntimeSymbol>();
  private readonly usedModules = new Set<string>();
  /** Type qname → how this file spells it. */
  private readonly spelled = new Map<QualifiedName, string>();
  /** Every module-scope name of the file: declarations, module aliases, runtime imports. */
  readonly names: Set<string>;

  constructor(
    readonly model: IdlModel,
    readonly naming: ModuleNaming,
    private readonly lookup: (module: string) => ModuleNaming,
  ) {
    this.names = new Set(naming.declared);
    for (const other of referencedModules(model, naming.module)) {
      const alias = freeName(declName(other), (n) => this.names.has(n));
      this.aliases.set(other, alias);
      this.names.add(alias);
    }
    for (const sym of RUNTIME_ORDER) {
      const local = freeName(sym, (n) => this.names.has(n));
      this.runtimeLocal.set(sym, local);
      this.names.add(local);
    }
  }

  get module(): string {
    return this.naming.module;
  }

  /** The local name of a runtime symbol; marks it imported. */
  rt(sym: RuntimeSymbol): string {
    this.usedRuntime.add(sym);
    return this.runtimeLocal.get(sym)!;
  }

  /** How this file spells a declaration of any module: `Name` or `alias.Name`. */
  private qualify(module: string, local: string): string {
    if (module === this.module) return local;
    this.usedModules.add(module);
    return `${this.aliases.get(module)!}.${local}`;
  }

  typeRef(qname: QualifiedName): string {
    let spelled = this.spelled.get(qname);
    if (spelled === undefined) {
      const decl = this.model.types[qname];
      // An unresolved name (a model with errors): spelled as written, for the preview.
      spelled = decl
        ? this.qualify(decl.module, this.lookup(decl.module).typeName(qname))
        : qname.slice(qname.lastIndexOf('.') + 1);
      this.spelled.set(qname, spelled);
    }
    return spelled;
  }

  proxyRef(qname: QualifiedName): string {
    const decl = this.model.interfaces[qname]!;
    return this.qualify(decl.module, this.lookup(decl.module).interfaceNames(qname).proxy);
  }

  servantRef(qname: QualifiedName): string {
    const decl = this.model.interfaces[qname]!;
    return this.qualify(decl.module, this.lookup(decl.module).interfaceNames(qname).servant);
  }

  /** The import lines for what the body used, runtime first. */
  importLines(runtimeModule: string): string[] {
    const lines: string[] = [];
    const specs = RUNTIME_ORDER.filter((s) => this.usedRuntime.has(s)).map((s) => {
      const local = this.runtimeLocal.get(s)!;
      const spec = local === s ? s : `${s} as ${local}`;
      return TYPE_ONLY.has(s) ? `type ${spec}` : spec;
    });
    if (specs.length > 0) lines.push(`import { ${specs.join(', ')} } from '${runtimeModule}';`);
    for (const [module, alias] of this.aliases) {
      if (this.usedModules.has(module)) lines.push(`import * as ${alias} from './${module}.js';`);
    }
    return lines;
  }
}

/** Other modules whose declarations this module's types and interfaces refer to, sorted. */
function referencedModules(model: IdlModel, module: string): string[] {
  if (model.modules.length < 2) return [];
  const out = new Set<string>();
  const visit = (t: TypeRef): void => {
    if (t.kind !== 'ref') return;
    const decl = model.types[t.name];
    if (decl && decl.module !== module) out.add(decl.module);
  };
  const mod = model.modules.find((m) => m.name === module);
  for (const qname of mod?.types ?? []) {
    const decl = model.types[qname];
    if (decl?.kind === 'struct') decl.fields.forEach((f) => visit(f.type));
    else if (decl?.kind === 'sequence') visit(decl.element);
    else if (decl?.kind === 'dictionary') {
      visit(decl.key);
      visit(decl.value);
    }
  }
  for (const qname of mod?.interfaces ?? []) {
    const decl = model.interfaces[qname];
    if (!decl) continue;
    const base = decl.base ? model.interfaces[decl.base] : undefined;
    if (base && base.module !== module) out.add(base.module);
    for (const op of decl.operations) {
      visit(op.returns);
      op.params.forEach((p) => visit(p.type));
    }
  }
  return [...out].sort();
}
