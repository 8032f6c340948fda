import type { BuiltinName, IdlModel, TypeRef } from '../idl/model.js';
import type { FileScope } from './scope.js';

/**
 * How each IDL type looks in generated TypeScript and on the wire (spec §2.1, the Java
 * generated code's canonical encoding): the TS type, the ByteWriter/ByteReader method, the
 * fewest bytes a value takes (bounds container counts before allocating) and a zero value.
 */
interface Builtin {
  ts: string;
  /** ByteWriter and ByteReader method name. */
  io: string;
  size: number;
  zero: string;
}

const BUILTINS: Record<BuiltinName, Builtin> = {
  byte: { ts: 'number', io: 'byte', size: 1, zero: '0' },
  bool: { ts: 'boolean', io: 'bool', size: 1, zero: 'false' },
  short: { ts: 'number', io: 'i16', size: 2, zero: '0' },
  int: { ts: 'number', io: 'i32', size: 4, zero: '0' },
  long: { ts: 'bigint', io: 'i64', size: 8, zero: '0n' },
  float: { ts: 'number', io: 'f32', size: 4, zero: '0' },
  double: { ts: 'number', io: 'f64', size: 8, zero: '0' },
  string: { ts: 'string', io: 'string', size: 4, zero: "''" },
};

export const isByte = (t: TypeRef): boolean => t.kind === 'builtin' && t.name === 'byte';

/** The TS type of a value of `t`; named types by their (possibly qualified) name. */
export function tsType(scope: FileScope, t: TypeRef): string {
  if (t.kind === 'builtin') return BUILTINS[t.name].ts;
  if (t.kind === 'void') return 'void';
  return scope.typeRef(t.name);
}

// `void` where a value belongs is an error the front end reports; its best-effort model still
// gets generated (the console previews it), so void is handled as carrying no bytes.

/** A statement writing `value` of type `t` into the ByteWriter `w`. */
export function encodeStmt(scope: FileScope, t: TypeRef, value: string): string {
  if (t.kind === 'builtin') return `w.${BUILTINS[t.name].io}(${value})`;
  if (t.kind === 'void') return `void ${value}`;
  return `${scope.typeRef(t.name)}.encode(w, ${value})`;
}

/** An expression reading a value of type `t` from the ByteReader `r`. */
export function decodeExpr(scope: FileScope, t: TypeRef): string {
  if (t.kind === 'builtin') return `r.${BUILTINS[t.name].io}()`;
  if (t.kind === 'void') return 'undefined';
  return `${scope.typeRef(t.name)}.decode(r)`;
}

/** A fresh zero value of `t`, for struct `create()`. */
export function zeroValue(scope: FileScope, t: TypeRef): string {
  if (t.kind === 'builtin') return BUILTINS[t.name].zero;
  if (t.kind === 'void') return 'undefined';
  const decl = scope.model.types[t.name];
  if (decl?.kind === 'struct') return `${scope.typeRef(t.name)}.create()`;
  if (decl?.kind === 'sequence') return isByte(decl.element) ? 'new Uint8Array(0)' : '[]';
  if (decl?.kind === 'dictionary') return `new Map<${tsType(scope, decl.key)}, ${tsType(scope, decl.value)}>()`;
  return 'new Map()';
}

/** The fewest bytes a value of `t` occupies on the wire (containers: an empty one). */
export function minWireSize(model: IdlModel, t: TypeRef, visiting?: Set<string>): number {
  if (t.kind === 'builtin') return BUILTINS[t.name].size;
  if (t.kind === 'void') return 0;
  const decl = model.types[t.name];
  if (!decl || decl.kind !== 'struct') return 4;
  // A struct containing itself by value cannot be checked by the front end's rules; stay finite.
  // The set is made only for structs: most calls are for builtins, once per container.
  const inside = visiting ?? new Set<string>();
  if (inside.has(decl.qname)) return 1;
  inside.add(decl.qname);
  let size = 0;
  for (const f of decl.fields) size += minWireSize(model, f.type, inside);
  inside.delete(decl.qname);
  return Math.max(size, 1);
}
