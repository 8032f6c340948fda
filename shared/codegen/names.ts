import type { IdlModel, InterfaceDecl, QualifiedName } from '../idl/model.js';

/**
 * TypeScript names for IDL names. IDL identifiers are `[A-Za-z_][A-Za-z0-9_]*`, so the only
 * problems are collisions: with reserved words, with globals the generated code uses, and with
 * the names generated code adds itself. A colliding name gets `_` appended (spec §2.5, the
 * original generators' rule) until it is free. Names never travel on the wire.
 */

/** Reserved in strict-mode ES modules: not usable as bindings (types, parameters, aliases). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await arguments eval undefined NaN Infinity'
  ).split(' '),
);

/** Names a declaration may not take: TS primitive type names and the globals generated code refers to. */
const TYPE_RESERVED = new Set(
  'any unknown never object string number boolean bigint symbol type Array Map Uint8Array Promise Partial Object'.split(
    ' ',
  ),
);

/** Locals and parameters used inside generated bodies; a user name must not shadow them. */
const BODY_LOCALS = ['w', 'r', 'v', 'n', 'i', 'k', 'e', 'init', 'ctx', 'table', 'options', 'result'] as const;

/** Members of the runtime's Proxy/Servant bases (and `then`, which would make a proxy a thenable). */
const METHOD_RESERVED = new Set([
  'constructor',
  'target',
  'invoke',
  'invokeOneway',
  'operations',
  'describe',
  'table',
  'then',
]);

/** `name`, or `name_`, `name__`, … — the first that is not taken. */
export function freeName(name: string, taken: (candidate: string) => boolean): string {
  let n = name;
  while (taken(n)) n += '_';
  return n;
}

/** Inherited by every plain object: `init.constructor` would read Object's, `__proto__` sets the prototype. */
const OBJECT_PROTOTYPE = new Set(
  (
    'constructor __proto__ toString toLocaleString valueOf hasOwnProperty isPrototypeOf propertyIsEnumerable ' +
    '__defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__'
  ).split(' '),
);

/** Struct members are properties: reserved words and Object.prototype names are renamed. */
export function memberNames(fields: readonly { name: string }[]): string[] {
  const taken = new Set<string>();
  const isTaken = (n: string): boolean => RESERVED.has(n) || OBJECT_PROTOTYPE.has(n) || taken.has(n);
  return fields.map((f) => {
    const name = freeName(f.name, isTaken);
    taken.add(name);
    return name;
  });
}

const isDeclReserved = (n: string): boolean =>
  RESERVED.has(n) || TYPE_RESERVED.has(n) || (BODY_LOCALS as readonly string[]).includes(n);

/** A type or module alias declared at module scope. */
export function declName(name: string): string {
  return freeName(name, isDeclReserved);
}

/** The class names generated for one interface and the TS method names of its operations. */
export interface InterfaceNames {
  proxy: string;
  servant: string;
  /** Operation name → two-way method name (also the servant's abstract method). */
  methods: Map<string, string>;
  /** Void operation name → one-way method name. */
  oneway: Map<string, string>;
}

/**
 * The module-scope names of one module's generated file: type names (by qname) and interface
 * names. Deterministic from the model alone, so another module can refer to them.
 */
export class ModuleNaming {
  private readonly types = new Map<QualifiedName, string>();
  private readonly ifaces = new Map<QualifiedName, InterfaceNames>();
  private readonly methodsNamed = new Set<QualifiedName>();
  /** Every module-scope name declared by the generated file itself. */
  readonly declared = new Set<string>();

  constructor(
    private readonly model: IdlModel,
    readonly module: string,
    private readonly lookup: (module: string) => ModuleNaming,
  ) {
    const mod = model.modules.find((m) => m.name === module);
    if (!mod) throw new Error(`no module '${module}' in the model`);
    const isDeclared = (n: string): boolean => this.declared.has(n);
    for (const qname of mod.types) {
      const decl = model.types[qname];
      if (!decl) continue;
      const name = freeName(declName(decl.name), isDeclared);
      this.types.set(qname, name);
      this.declared.add(name);
    }
    for (const qname of mod.interfaces) {
      const decl = model.interfaces[qname];
      if (!decl) continue;
      const proxy = freeName(declName(`${decl.name}Proxy`), isDeclared);
      this.declared.add(proxy);
      const servant = freeName(declName(`${decl.name}Servant`), isDeclared);
      this.declared.add(servant);
      this.ifaces.set(qname, { proxy, servant, methods: new Map(), oneway: new Map() });
    }
  }

  typeName(qname: QualifiedName): string {
    const name = this.types.get(qname);
    if (name === undefined) throw new Error(`type '${qname}' is not in module '${this.module}'`);
    return name;
  }

  /** Class and method names of an interface of this module; method names avoid every ancestor's. */
  interfaceNames(qname: QualifiedName): InterfaceNames {
    const names = this.ifaces.get(qname);
    const decl = this.model.interfaces[qname];
    if (!names || !decl) throw new Error(`interface '${qname}' is not in module '${this.module}'`);
    if (!this.methodsNamed.has(qname)) {
      this.methodsNamed.add(qname);
      this.nameMethods(decl, names);
    }
    return names;
  }

  private nameMethods(decl: InterfaceDecl, names: InterfaceNames): void {
    const taken = new Set(this.inheritedMethodNames(decl));
    const isTaken = (n: string): boolean => taken.has(n) || METHOD_RESERVED.has(n);
    for (const op of decl.operations) {
      const method = freeName(op.name, isTaken);
      taken.add(method);
      names.methods.set(op.name, method);
    }
    for (const op of decl.operations) {
      if (op.returns.kind !== 'void') continue;
      const oneway = freeName(`${names.methods.get(op.name)!}Oneway`, isTaken);
      taken.add(oneway);
      names.oneway.set(op.name, oneway);
    }
  }

  private inheritedMethodNames(decl: InterfaceDecl): string[] {
    const out: string[] = [];
    const seen = new Set<QualifiedName>([decl.qname]);
    for (let base = decl.base ? this.model.interfaces[decl.base] : undefined; base && !seen.has(base.qname);) {
      seen.add(base.qname);
      const names = this.lookup(base.module).interfaceNames(base.qname);
      out.push(...names.methods.values(), ...names.oneway.values());
      base = base.base ? this.model.interfaces[base.base] : undefined;
    }
    return out;
  }
}

/** Naming for every module of a model, computed lazily and shared. */
export function modelNaming(model: IdlModel): (module: string) => ModuleNaming {
  const cache = new Map<string, ModuleNaming>();
  const lookup = (module: string): ModuleNaming => {
    let naming = cache.get(module);
    if (!naming) {
      naming = new ModuleNaming(model, module, lookup);
      cache.set(module, naming);
    }
    return naming;
  };
  return lookup;
}

/**
 * Parameter names of one operation: free of reserved words, of the generated trailing
 * arguments and body locals, of the module-scope names the body refers to, and of each other.
 */
export function paramNames(params: readonly { name: string }[], moduleScope: ReadonlySet<string>): string[] {
  const taken = new Set<string>();
  const isTaken = (n: string): boolean =>
    RESERVED.has(n) || (BODY_LOCALS as readonly string[]).includes(n) || moduleScope.has(n) || taken.has(n);
  return params.map((p) => {
    const name = freeName(p.name, isTaken);
    taken.add(name);
    return name;
  });
}
