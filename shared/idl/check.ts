import type { AnnotationNode, ElementNode, InterfaceNode, ModuleNode, TypeRefNode } from './ast.js';
import {
  type Annotations,
  BUILTIN_NAMES,
  type BuiltinName,
  type Field,
  type IdlModel,
  type InterfaceDecl,
  type ModuleModel,
  type Operation,
  type Param,
  type QualifiedName,
  type TypeDecl,
  type TypeRef,
} from './model.js';
import type { Severity } from './diagnostics.js';
import type { Reporter } from './report.js';
import type { SourceSpan } from './source.js';

/**
 * Semantic rules of spec §4.3/§4.4: merges module blocks, resolves every type, checks names
 * and inheritance, and builds the model (indexes are assigned afterwards by numbering.ts).
 */

/** One `module` block and the file it came from, in parse order. */
export interface ModuleBlock {
  file: string;
  node: ModuleNode;
}

/** An `[index=N]` annotation that holds a valid number. */
export interface IndexAnnotation {
  value: number;
  range: SourceSpan;
}

export interface CheckedInterface {
  decl: InterfaceDecl;
  node: InterfaceNode;
  index?: IndexAnnotation;
  /** The valid `[index=N]` annotations of its operations. */
  operationIndexes: Map<Operation, IndexAnnotation>;
}

export interface CheckResult {
  model: IdlModel;
  /** Modules in order of first appearance, each module's interfaces in merged declaration order. */
  interfaces: CheckedInterface[];
}

interface Entry {
  node: ElementNode;
  module: string;
  qname: QualifiedName;
  /** Position in the merged module: bare names inside data types must refer to an earlier one. */
  position: number;
}

interface MergedModule {
  model: ModuleModel;
  entries: Entry[];
  byName: Map<string, Entry>;
}

type Use = 'member' | 'element' | 'key' | 'value' | 'param' | 'return' | 'base';

const MAX_INDEX = 0xffff;
const SKELETON_LANGS = ['java', 'js', 'cpp', 'csharp', 'objc', 'as'];
const BUILTINS: ReadonlySet<string> = new Set(BUILTIN_NAMES);
const isBuiltin = (name: string): name is BuiltinName => BUILTINS.has(name);
const withArticle = (kind: ElementNode['kind']): string => (kind === 'interface' ? 'an interface' : `a ${kind}`);

export function check(blocks: ModuleBlock[], reporter: Reporter): CheckResult {
  return new Checker(reporter).run(blocks);
}

class Checker {
  private readonly modules = new Map<string, MergedModule>();
  private readonly model: IdlModel = { modules: [], types: {}, interfaces: {} };
  private readonly checked: CheckedInterface[] = [];
  /** Fields whose type already has a diagnostic (e.g. a bare self-reference): not reported again as recursion. */
  private readonly reportedFields = new Set<Field>();
  /** Builtins by name, and void under ''. */
  private readonly builtinTypes = new Map<string, TypeRef>();
  private readonly refTypes = new Map<QualifiedName, TypeRef>();

  constructor(private readonly reporter: Reporter) {}

  run(blocks: ModuleBlock[]): CheckResult {
    for (const block of blocks) this.merge(block);
    for (const mod of this.modules.values()) {
      for (const entry of mod.entries) this.declare(entry, mod);
    }
    this.checkInheritance();
    this.checkStructRecursion();
    return { model: this.model, interfaces: this.checked };
  }

  // ---- merging ----

  private merge(block: ModuleBlock): void {
    const name = block.node.name;
    let mod = this.modules.get(name);
    if (!mod) {
      mod = { model: { name, types: [], interfaces: [], files: [] }, entries: [], byName: new Map() };
      this.modules.set(name, mod);
      this.model.modules.push(mod.model);
    }
    if (!mod.model.files.includes(block.file)) mod.model.files.push(block.file);
    for (const node of block.node.elements) {
      const first = mod.byName.get(node.name);
      if (first) {
        this.reporter.error(
          'duplicate-name',
          `'${node.name}' is already declared in module '${name}' (as ${withArticle(first.node.kind)} at ${this.reporter.where(first.node.nameRange)})`,
          node.nameRange,
          [{ message: `'${node.name}' is first declared here`, range: first.node.nameRange }],
        );
        continue;
      }
      if (isBuiltin(node.name)) {
        this.reporter.warning(
          'builtin-name',
          `'${node.name}' is a builtin type: a bare '${node.name}' always means the builtin, so this ${node.kind} is only reachable as ${name}::${node.name}`,
          node.nameRange,
        );
      }
      const entry: Entry = { node, module: name, qname: `${name}.${node.name}`, position: mod.entries.length };
      mod.entries.push(entry);
      mod.byName.set(node.name, entry);
    }
  }

  // ---- declarations ----

  private declare(entry: Entry, mod: MergedModule): void {
    const { node, qname, module } = entry;
    // Each declaration is one object literal in DeclBase's key order: spreading a shared base
    // gave every declaration a hidden class of its own (measured: 2,500 maps on the bench IDL).
    const { name, range, nameRange } = node;
    switch (node.kind) {
      case 'struct': {
        const seen = new Map<string, SourceSpan>();
        // `map` makes an array of the exact length: one grown by push keeps room for 17 entries.
        const fields = node.members.map((m): Field => {
          const dup = this.firstOf(seen, m.name, m.nameRange);
          if (dup)
            this.duplicate(
              'error',
              'duplicate-member',
              `member '${m.name}' is already declared in struct '${name}'`,
              m,
              dup,
            );
          const before = this.reporter.diagnostics.length;
          const field: Field = {
            name: m.name,
            type: this.resolve(m.type, mod, entry.position, 'member'),
            range: m.range,
            nameRange: m.nameRange,
          };
          if (this.reporter.diagnostics.length > before) this.reportedFields.add(field);
          if (m.doc) field.doc = m.doc;
          return field;
        });
        this.addType(
          withDoc<TypeDecl>({ name, module, qname, range, nameRange, kind: 'struct', fields }, node.doc),
          mod,
        );
        return;
      }
      case 'sequence': {
        const element = this.resolve(node.element, mod, entry.position, 'element');
        this.addType(
          withDoc<TypeDecl>({ name, module, qname, range, nameRange, kind: 'sequence', element }, node.doc),
          mod,
        );
        return;
      }
      case 'dictionary': {
        const key = this.resolve(node.key, mod, entry.position, 'key');
        const keyKind = key.kind === 'ref' ? this.kindOf(key.name) : undefined;
        if (keyKind && keyKind !== 'interface') {
          this.reporter.warning(
            'dictionary-key',
            `dictionary keys should be builtin types (${BUILTIN_NAMES.join(', ')}): ${withArticle(keyKind)} key is compared by identity in most target languages`,
            node.key.range,
          );
        }
        const value = this.resolve(node.value, mod, entry.position, 'value');
        this.addType(
          withDoc<TypeDecl>({ name, module, qname, range, nameRange, kind: 'dictionary', key, value }, node.doc),
          mod,
        );
        return;
      }
      case 'interface':
        this.declareInterface(entry, node, mod);
        return;
    }
  }

  private addType(decl: TypeDecl, mod: MergedModule): void {
    this.model.types[decl.qname] = decl;
    mod.model.types.push(decl.qname);
  }

  private declareInterface(entry: Entry, node: InterfaceNode, mod: MergedModule): void {
    const ann = this.annotations(node.annotation, 'interface');
    const { name, range, nameRange } = node;
    const decl: InterfaceDecl = withDoc<InterfaceDecl>(
      {
        name,
        module: entry.module,
        qname: entry.qname,
        range,
        nameRange,
        kind: 'interface',
        index: 0,
        operations: [], // set below, once the operations are checked
        annotations: ann.values,
      },
      ann.values.comment ?? node.doc,
    );
    if (node.base) {
      const b = this.resolve(node.base, mod, entry.position, 'base');
      if (b.kind === 'ref' && this.kindOf(b.name) === 'interface') decl.base = b.name;
    }
    const checked: CheckedInterface = { decl, node, operationIndexes: new Map() };
    if (ann.index) checked.index = ann.index;
    const opNames = new Map<string, SourceSpan>();
    decl.operations = node.operations.map((opNode) => {
      const dup = this.firstOf(opNames, opNode.name, opNode.nameRange);
      if (dup)
        this.duplicate(
          'error',
          'duplicate-operation',
          `operation '${opNode.name}' is already declared in interface '${name}' (TCE has no overloading)`,
          opNode,
          dup,
        );
      const opAnn = this.annotations(opNode.annotation, 'operation');
      const params: Param[] = opNode.params.map((p, i) => {
        // Parameter lists are short: a scan beats a Map per operation.
        let first = 0;
        while (opNode.params[first]!.name !== p.name) first++;
        if (first < i) {
          this.duplicate(
            'error',
            'duplicate-parameter',
            `parameter '${p.name}' is already declared in operation '${opNode.name}'`,
            p,
            opNode.params[first]!.nameRange,
          );
        }
        return {
          name: p.name,
          type: this.resolve(p.type, mod, 'any', 'param'),
          range: p.range,
          nameRange: p.nameRange,
        };
      });
      const op: Operation = withDoc<Operation>(
        {
          name: opNode.name,
          index: 0,
          params,
          returns: this.resolve(opNode.returns, mod, 'any', 'return'),
          annotations: opAnn.values,
          range: opNode.range,
          nameRange: opNode.nameRange,
          owner: entry.qname,
        },
        opAnn.values.comment ?? opNode.doc,
      );
      if (opAnn.index) checked.operationIndexes.set(op, opAnn.index);
      return op;
    });
    this.model.interfaces[entry.qname] = decl;
    mod.model.interfaces.push(entry.qname);
    this.checked.push(checked);
  }

  /** By entry rather than by model: a qualified name may refer to an element not declared yet. */
  private kindOf(qname: QualifiedName): ElementNode['kind'] | undefined {
    const dot = qname.indexOf('.');
    return this.modules.get(qname.slice(0, dot))?.byName.get(qname.slice(dot + 1))?.node.kind;
  }

  /** Records where `name` is declared; returns where it was declared first if it already was. */
  private firstOf(seen: Map<string, SourceSpan>, name: string, range: SourceSpan): SourceSpan | undefined {
    const first = seen.get(name);
    if (!first) seen.set(name, range);
    return first;
  }

  /** Messages are built only here, for the rare duplicate: building them for every name showed in profiles. */
  private duplicate(
    severity: Severity,
    code: string,
    message: string,
    at: { name: string; nameRange: SourceSpan },
    first: SourceSpan,
  ): void {
    this.reporter.report(severity, code, message, at.nameRange, [
      { message: `'${at.name}' is first declared here`, range: first },
    ]);
  }

  // ---- annotations ----

  private annotations(
    node: AnnotationNode | undefined,
    target: 'interface' | 'operation',
  ): { values: Annotations; index?: IndexAnnotation } {
    const values: Annotations = {};
    const result: { values: Annotations; index?: IndexAnnotation } = { values };
    if (!node) return result;
    const seen = new Map<string, SourceSpan>();
    for (const attr of node.attrs) {
      const dup = this.firstOf(seen, attr.key, attr.keyRange);
      if (dup)
        this.duplicate(
          'warning',
          'duplicate-annotation',
          `annotation key '${attr.key}' is given twice (the last value wins)`,
          { name: attr.key, nameRange: attr.keyRange },
          dup,
        );
      values[attr.key] = attr.value;
      if (attr.key === 'index') {
        const digits = attr.value.replace(/[uUlL]{1,2}$/, '');
        if (attr.valueKind === 'identifier' || !/^\d+$/.test(digits)) {
          this.reporter.error(
            'annotation-value',
            `index must be a non-negative integer, found '${attr.value}'`,
            attr.valueRange,
          );
          delete result.index;
        } else if (Number(digits) > MAX_INDEX) {
          this.reporter.error(
            'index-out-of-range',
            `index ${digits} does not fit the 16-bit ${target === 'interface' ? 'ifidx' : 'opidx'} field (0..${MAX_INDEX})`,
            attr.valueRange,
          );
          delete result.index;
        } else {
          result.index = { value: Number(digits), range: attr.valueRange };
        }
      } else if (attr.key.startsWith('skeleton_')) {
        const lang = attr.key.slice('skeleton_'.length);
        if (target !== 'interface')
          this.reporter.info('unknown-annotation', `'${attr.key}' only has an effect on interfaces`, attr.keyRange);
        else if (!SKELETON_LANGS.includes(lang))
          this.reporter.info(
            'unknown-annotation',
            `'${attr.key}': no generator reads it (known: ${SKELETON_LANGS.map((l) => `skeleton_${l}`).join(', ')})`,
            attr.keyRange,
          );
        if (attr.value !== 'true' && attr.value !== 'false')
          this.reporter.warning(
            'annotation-value',
            `'${attr.key}' takes true or false, found '${attr.value}'`,
            attr.valueRange,
          );
      } else if (attr.key !== 'comment') {
        this.reporter.info(
          'unknown-annotation',
          `annotation key '${attr.key}' is not used by TCE (known: index, comment, skeleton_<lang>)`,
          attr.keyRange,
        );
      }
    }
    return result;
  }

  // ---- type resolution ----

  /** `position` is the using element's position for data types (earlier elements only), 'any' for operations. */
  private resolve(ref: TypeRefNode, mod: MergedModule, position: number | 'any', use: Use): TypeRef {
    const target = this.lookup(ref, mod, position);
    if (target === 'void') {
      if (use === 'return') return this.typeRef('void');
      if (use === 'param') this.reporter.error('void-parameter', `parameter type cannot be 'void'`, ref.range);
      else if (use === 'base') this.reporter.error('extends-not-interface', `'void' is not an interface`, ref.range);
      else this.reporter.error('void-type', `'void' can only be an operation's return type`, ref.range);
      return this.typeRef('void');
    }
    if (typeof target === 'string') {
      if (use === 'base')
        this.reporter.error(
          'extends-not-interface',
          `'${target}' is a builtin type, not an interface: 'extends' needs an interface`,
          ref.range,
        );
      return this.typeRef('builtin', target);
    }
    if (!target) return this.typeRef('ref', `${ref.module ?? mod.model.name}.${ref.name}`);
    const kind = target.node.kind;
    if (use === 'base' && kind !== 'interface') {
      this.reporter.error(
        'extends-not-interface',
        `'${target.qname}' is ${withArticle(kind)}, not an interface: 'extends' needs an interface`,
        ref.range,
        [{ message: `'${target.node.name}' is declared here`, range: target.node.nameRange }],
      );
    } else if (use !== 'base' && kind === 'interface') {
      this.reporter.error(
        'interface-as-type',
        `'${target.qname}' is an interface: parameters, return values and members must be builtins, structs, sequences or dictionaries`,
        ref.range,
      );
    }
    return this.typeRef('ref', target.qname);
  }

  /** TypeRefs are plain values: one object per distinct type (per compilation) keeps a big model small. */
  private typeRef(kind: TypeRef['kind'], name = ''): TypeRef {
    const cache = kind === 'ref' ? this.refTypes : this.builtinTypes;
    let t = cache.get(name);
    if (!t) {
      t = kind === 'void' ? { kind } : kind === 'builtin' ? { kind, name: name as BuiltinName } : { kind, name };
      cache.set(name, t);
    }
    return t;
  }

  private lookup(
    ref: TypeRefNode,
    mod: MergedModule,
    position: number | 'any',
  ): Entry | BuiltinName | 'void' | undefined {
    if (ref.module === undefined) {
      if (isBuiltin(ref.name)) return ref.name;
      if (ref.name === 'void') return 'void';
      const entry = mod.byName.get(ref.name);
      if (entry && (position === 'any' || entry.position < position)) return entry;
      if (entry) {
        const self = entry.position === position;
        this.reporter.error(
          'forward-reference',
          self
            ? `'${ref.name}' cannot be used inside its own declaration`
            : `'${ref.name}' is declared later in module '${mod.model.name}' (${this.reporter.where(entry.node.nameRange)}): structs, sequences, dictionaries and 'extends' can only use types declared before them (or write ${mod.model.name}::${ref.name})`,
          ref.nameRange,
          self ? undefined : [{ message: `'${ref.name}' is declared here`, range: entry.node.nameRange }],
        );
        return entry;
      }
      this.reporter.error('unknown-type', `unknown type '${ref.name}'${this.hint(ref.name, mod)}`, ref.nameRange);
      return undefined;
    }
    const other = this.modules.get(ref.module);
    if (!other) {
      this.reporter.error(
        'unknown-type',
        `unknown module '${ref.module}'${suggest(ref.module, [...this.modules.keys()])}`,
        ref.moduleRange ?? ref.range,
      );
      return undefined;
    }
    const entry = other.byName.get(ref.name);
    if (!entry) {
      this.reporter.error(
        'unknown-type',
        `module '${ref.module}' has no type '${ref.name}'${suggest(ref.name, [...other.byName.keys()])}`,
        ref.nameRange,
      );
      return undefined;
    }
    return entry;
  }

  private hint(name: string, mod: MergedModule): string {
    for (const other of this.modules.values()) {
      if (other !== mod && other.byName.has(name)) return ` (did you mean ${other.model.name}::${name}?)`;
    }
    return suggest(name, [...BUILTIN_NAMES, ...mod.byName.keys()]);
  }

  // ---- whole-program rules ----

  private checkInheritance(): void {
    const inCycle = new Set<QualifiedName>();
    for (const c of this.checked) {
      const path: QualifiedName[] = [];
      for (
        let cur: InterfaceDecl | undefined = c.decl;
        cur;
        cur = cur.base ? this.model.interfaces[cur.base] : undefined
      ) {
        if (path.includes(cur.qname)) {
          if (cur.qname === c.decl.qname) {
            inCycle.add(c.decl.qname);
            this.reporter.error(
              'inheritance-cycle',
              `interface '${c.decl.name}' inherits from itself: ${[...path, cur.qname].join(' → ')}`,
              c.node.base?.range ?? c.node.nameRange,
            );
          }
          break;
        }
        path.push(cur.qname);
      }
    }
    // Keep the model acyclic so later code can walk `base` chains freely.
    for (const qname of inCycle) delete this.model.interfaces[qname]!.base;

    const opsOf = new Map<InterfaceDecl, Map<string, Operation>>();
    const ops = (decl: InterfaceDecl): Map<string, Operation> => {
      let map = opsOf.get(decl);
      if (!map) opsOf.set(decl, (map = new Map(decl.operations.map((op) => [op.name, op]))));
      return map;
    };
    for (const c of this.checked) {
      if (!c.decl.base) continue;
      for (const node of c.node.operations) {
        for (
          let anc: InterfaceDecl | undefined = this.model.interfaces[c.decl.base];
          anc;
          anc = anc.base ? this.model.interfaces[anc.base] : undefined
        ) {
          const clash = ops(anc).get(node.name);
          if (clash) {
            this.reporter.error(
              'duplicate-operation',
              `operation '${node.name}' is already declared in base interface '${anc.qname}' (${this.reporter.where(clash.nameRange ?? clash.range)}): TCE has no overriding or overloading`,
              node.nameRange,
              [{ message: `'${node.name}' is declared here`, range: clash.nameRange ?? clash.range }],
            );
            break;
          }
        }
      }
    }
  }

  /** A struct that contains itself directly (through qualified forward names) has no finite encoding. */
  private checkStructRecursion(): void {
    const state = new Map<QualifiedName, 'visiting' | 'done'>();
    const visit = (qname: QualifiedName, trail: QualifiedName[]): void => {
      const decl = this.model.types[qname];
      if (decl?.kind !== 'struct' || state.get(qname) === 'done') return;
      if (state.get(qname) === 'visiting') {
        const cycle = trail.slice(trail.indexOf(qname));
        this.reporter.error(
          'recursive-struct',
          `struct '${qname}' contains itself (${[...cycle, qname].join(' → ')}): use a sequence to make the nesting finite`,
          decl.nameRange ?? decl.range,
        );
        return;
      }
      state.set(qname, 'visiting');
      for (const f of decl.fields)
        if (f.type.kind === 'ref' && !this.reportedFields.has(f)) visit(f.type.name, [...trail, qname]);
      state.set(qname, 'done');
    };
    for (const qname of Object.keys(this.model.types)) visit(qname, []);
  }
}

function withDoc<T extends { doc?: string }>(decl: T, doc: string | undefined): T {
  if (doc) decl.doc = doc;
  return decl;
}

/** ` (did you mean 'x'?)` for a close name (edit distance ≤ 2, or same letters in another case). */
function suggest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDist = Math.min(2, Math.floor(name.length / 2));
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : distance(name, c, bestDist);
    if (d <= bestDist && (best === undefined || d < bestDist)) {
      best = c;
      bestDist = d;
    }
  }
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds max. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
