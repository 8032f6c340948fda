import type { IdlModel, Operation, TypeRef } from '../idl/model.js';
import { ByteWriter } from './bytes.js';
import type { ModelCodec } from './codec.js';
import { CodecError } from './errors.js';
import { declOf, describeValue, isPlainObject } from './value-rules.js';

/** One reason a call's arguments do not fit its operation, at a field path (`order.items[2].qty`). */
export interface ArgProblem {
  /** Parameter name, then `.field` and `[index]` steps; empty for the argument list itself. */
  path: string;
  message: string;
}

const MAX_PROBLEMS = 100;

/**
 * Every problem of a call's JSON arguments against the operation, at once (the codec stops at
 * the first): structs and sequences are walked so each field and element is checked on its
 * own, and every leaf goes through the model codec itself, so this says exactly what encoding
 * would refuse. Arguments are positional (an array) or keyed by parameter name, as the codec takes them.
 */
export function argsProblems(model: IdlModel, codec: ModelCodec, op: Operation, args: unknown): ArgProblem[] {
  const out: ArgProblem[] = [];
  const names = op.params.map((p) => p.name);
  const signature = `${op.name}(${names.join(', ')})`;
  const values = new Map<string, unknown>();
  if (Array.isArray(args)) {
    if (args.length !== names.length)
      out.push({ path: '', message: `${signature} takes ${names.length} argument(s), got ${args.length}` });
    names.forEach((n, i) => i < args.length && values.set(n, args[i]));
  } else if (isPlainObject(args)) {
    for (const k of Object.keys(args))
      if (!names.includes(k)) out.push({ path: k, message: `unknown parameter (${signature})` });
    for (const n of names) if (args[n] !== undefined) values.set(n, args[n]);
  } else if (args === null && names.length === 0) {
    return out;
  } else if (names.length === 1) {
    values.set(names[0]!, args);
  } else {
    out.push({
      path: '',
      message: `expected an array or an object keyed by parameter name, got ${describeValue(args)}`,
    });
    return out;
  }
  for (const p of op.params) {
    if (!values.has(p.name)) {
      if (isPlainObject(args) || (Array.isArray(args) && args.length === names.length))
        out.push({ path: p.name, message: 'missing' });
      continue;
    }
    check(model, codec, p.type, values.get(p.name), p.name, out);
  }
  return out.slice(0, MAX_PROBLEMS);
}

function check(
  model: IdlModel,
  codec: ModelCodec,
  type: TypeRef,
  value: unknown,
  path: string,
  out: ArgProblem[],
): void {
  if (out.length >= MAX_PROBLEMS) return;
  const decl = type.kind === 'ref' ? declOf(model, type.name) : undefined;
  if (decl?.kind === 'struct' && isPlainObject(value)) {
    const names = decl.fields.map((f) => f.name);
    for (const k of Object.keys(value))
      if (!names.includes(k))
        out.push({ path: `${path}.${k}`, message: `unknown field (${decl.qname} has ${names.join(', ')})` });
    for (const f of decl.fields) {
      if (value[f.name] === undefined)
        out.push({ path: `${path}.${f.name}`, message: `missing field of ${decl.qname}` });
      else check(model, codec, f.type, value[f.name], `${path}.${f.name}`, out);
    }
    return;
  }
  const isBytes = decl?.kind === 'sequence' && decl.element.kind === 'builtin' && decl.element.name === 'byte';
  if (decl?.kind === 'sequence' && !isBytes && Array.isArray(value)) {
    value.forEach((item, i) => check(model, codec, decl.element, item, `${path}[${i}]`, out));
    return;
  }
  try {
    codec.codecFor(type).encode(value, new ByteWriter(64), path);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    out.push({ path: e.path || path, message: e.problem });
  }
}
