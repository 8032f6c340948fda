import type {
  BuiltinName,
  DictionaryDecl,
  IdlModel,
  Operation,
  SequenceDecl,
  StructDecl,
  TypeRef,
} from '../idl/model.js';
import { bytesOfText } from './base64.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { messageOf } from '../message-of.js';
import { CodecError, WireError } from './errors.js';
import {
  DECIMAL_INTEGER,
  FLOAT32_MAX,
  INTEGER_RANGES,
  LONG_MAX,
  LONG_MIN,
  OCTET_RANGE,
  SPECIAL_FLOATS,
  builtinLabel,
  declOf,
  describeKind,
  describeValue,
  isPlainObject,
  keyFromString,
  setOwn,
} from './value-rules.js';

/**
 * The model-driven value codec (spec §2): encodes and decodes any IDL value given the checked
 * model. Each type is compiled once into encoder/decoder closures and cached by name.
 *
 * Native values (what decoders return; generated code uses the same):
 *   byte, short, int, float, double → number (byte decodes as 0..255); bool → boolean;
 *   string → string; long → bigint; sequence<byte> → Uint8Array; other sequences → arrays;
 *   dictionary<K,V> → Map; struct → plain object with its fields under their IDL names.
 * Encoders also take the JSON form (see toJsonValue): long as a safe integer or decimal
 * string; sequence<byte> as an array of 0..255; a dictionary as a plain object (keys spelled
 * as strings) or an array of [key, value] pairs; floats as "NaN", "Infinity", "-Infinity", "-0".
 * Integers are range-checked; missing and unknown struct fields are errors (CodecError, whose
 * message names the place: `param msg.tick.tick1: expected int (…), got 1e10`).
 *
 * Errors cost nothing on the success path: the fast closures track no path, and when one
 * throws the value is encoded (or the bytes decoded) again by a traced twin of the same
 * closures that records where it failed.
 */
export interface ModelCodec {
  readonly model: IdlModel;
  /** The compiled codec of one type; hold on to it on hot paths. */
  codecFor(type: TypeRef): TypeCodec;
  /** Appends value to w; on a CodecError w holds a partial value. `path` prefixes error messages. */
  encodeValue(type: TypeRef, value: unknown, w: ByteWriter, path?: string): void;
  /** Reads one value at r's offset; truncated input throws WireError('truncated') naming the path. */
  decodeValue(type: TypeRef, r: ByteReader, path?: string): unknown;
  /** args: positional, or an object keyed by parameter name. */
  encodeParams(op: Operation, args: readonly unknown[] | Readonly<Record<string, unknown>>): Uint8Array;
  /** The parameters keyed by name; trailing bytes are ignored (spec §1.8). */
  decodeParams(op: Operation, params: Uint8Array): Record<string, unknown>;
  /** The RETURN value's bytes; empty for void. */
  encodeResult(op: Operation, value: unknown): Uint8Array;
  /** undefined for void. */
  decodeResult(op: Operation, bytes: Uint8Array): unknown;
}

export interface TypeCodec {
  readonly type: TypeRef;
  encode(value: unknown, w: ByteWriter, path?: string): void;
  decode(r: ByteReader, path?: string): unknown;
}

export function createCodec(model: IdlModel): ModelCodec {
  return new Codec(model);
}

type Encoder = (v: unknown, w: ByteWriter) => void;
type Decoder = (r: ByteReader) => unknown;

interface Compiled {
  enc: Encoder;
  dec: Decoder;
  /** Fewest bytes a value takes: bounds container counts before allocating. */
  min: number;
}

/** A byte sequence given as base64 or `0x` hex text (what a user pastes); a bad string fails with why. */
function textBytes(decl: SequenceDecl, text: string): Uint8Array {
  try {
    return bytesOfText(text);
  } catch (e) {
    return fail(`expected ${decl.qname} as base64 or 0x-hex: ${messageOf(e)}`);
  }
}

/** Thrown by the closures without a path; the caller re-runs the traced twin to place it. */
function fail(problem: string): never {
  throw new CodecError('', problem);
}

const expectedBuiltin = (name: BuiltinName, v: unknown, kindOnly: boolean): never =>
  fail(`expected ${builtinLabel(name)}, got ${kindOnly ? describeKind(v) : describeValue(v)}`);

function integerEncoder(name: 'byte' | 'short' | 'int', write: (w: ByteWriter, v: number) => void): Encoder {
  const { min, max } = INTEGER_RANGES[name];
  return (v, w) => {
    if (typeof v !== 'number') expectedBuiltin(name, v, true);
    if ((v as number) !== ((v as number) | 0) || (v as number) < min || (v as number) > max)
      expectedBuiltin(name, v, false);
    write(w, v as number);
  };
}

function longValue(v: unknown): bigint {
  if (typeof v === 'bigint') {
    if (v >= LONG_MIN && v <= LONG_MAX) return v;
  } else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return BigInt(v);
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63)
      fail(`expected ${builtinLabel('long')}, got ${describeValue(v)} (beyond ±2^53: pass a decimal string)`);
  } else if (typeof v === 'string') {
    if (DECIMAL_INTEGER.test(v)) {
      const b = BigInt(v);
      if (b >= LONG_MIN && b <= LONG_MAX) return b;
    }
  } else {
    expectedBuiltin('long', v, true);
  }
  return expectedBuiltin('long', v, false);
}

function floatValue(name: 'float' | 'double', v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && Object.hasOwn(SPECIAL_FLOATS, v)) return SPECIAL_FLOATS[v]!;
  return expectedBuiltin(name, v, typeof v !== 'string');
}

const BUILTINS: Record<BuiltinName, Compiled> = {
  byte: { enc: integerEncoder('byte', (w, v) => w.u8(v)), dec: (r) => r.byte(), min: 1 },
  short: { enc: integerEncoder('short', (w, v) => w.i16(v)), dec: (r) => r.i16(), min: 2 },
  int: { enc: integerEncoder('int', (w, v) => w.i32(v)), dec: (r) => r.i32(), min: 4 },
  long: {
    enc: (v, w) => {
      w.i64(typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX ? v : longValue(v));
    },
    dec: (r) => r.i64(),
    min: 8,
  },
  float: {
    enc: (v, w) => {
      const f = typeof v === 'number' ? v : floatValue('float', v);
      if ((f > FLOAT32_MAX || f < -FLOAT32_MAX) && f !== Infinity && f !== -Infinity)
        expectedBuiltin('float', v, false);
      w.f32(f);
    },
    dec: (r) => r.f32(),
    min: 4,
  },
  double: {
    enc: (v, w) => {
      w.f64(typeof v === 'number' ? v : floatValue('double', v));
    },
    dec: (r) => r.f64(),
    min: 8,
  },
  bool: {
    enc: (v, w) => {
      if (typeof v !== 'boolean') expectedBuiltin('bool', v, true);
      w.bool(v as boolean);
    },
    dec: (r) => r.bool(),
    min: 1,
  },
  string: {
    enc: (v, w) => {
      if (typeof v !== 'string') expectedBuiltin('string', v, true);
      w.string(v as string);
    },
    dec: (r) => r.string(),
    min: 4,
  },
};

/** The path segment of a dictionary entry: `["k"]`, `[1]`. */
const keySegment = (k: unknown): string =>
  `[${typeof k === 'string' ? JSON.stringify(k) : typeof k === 'object' && k !== null ? describeKind(k) : String(k)}]`;

const VOID: Compiled = {
  enc: (v) => {
    if (v !== undefined && v !== null) fail(`expected nothing (void), got ${describeValue(v)}`);
  },
  dec: () => undefined,
  min: 0,
};

/**
 * Compiles TypeRefs to closures. `path` is null for the fast set; the traced set pushes one
 * segment per level entered and pops it on the way out, so after a throw it still holds the
 * place of the failure.
 */
class Compiler {
  private readonly cache = new Map<string, Compiled>();
  private readonly building = new Set<string>();

  constructor(
    private readonly model: IdlModel,
    readonly path: string[] | null,
  ) {}

  compile(type: TypeRef): Compiled {
    if (type.kind === 'builtin') return BUILTINS[type.name];
    if (type.kind === 'void') return VOID;
    const hit = this.cache.get(type.name);
    if (hit) return hit;
    const name = type.name;
    if (this.building.has(name)) {
      // A type that contains itself (through a container): bind to the finished entry later.
      return {
        enc: (v, w) => this.cache.get(name)!.enc(v, w),
        dec: (r) => this.cache.get(name)!.dec(r),
        min: 0,
      };
    }
    this.building.add(name);
    const decl = declOf(this.model, name);
    const compiled =
      decl.kind === 'struct'
        ? this.struct(decl)
        : decl.kind === 'sequence'
          ? this.sequence(decl)
          : this.dictionary(decl);
    this.building.delete(name);
    this.cache.set(name, compiled);
    return compiled;
  }

  private struct(decl: StructDecl): Compiled {
    const path = this.path;
    const names = decl.fields.map((f) => f.name);
    const segments = names.map((n) => `.${n}`);
    const fields = decl.fields.map((f) => this.compile(f.type));
    const encs = fields.map((f) => f.enc);
    const decs = fields.map((f) => f.dec);
    const n = names.length;
    // Decoded structs are copies of one shape, so V8 sees a single object layout per struct.
    const shape: Record<string, unknown> = {};
    for (const name of names) setOwn(shape, name, undefined);
    const problem = (v: unknown): string => {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Map || v instanceof Uint8Array) {
        return `expected ${decl.qname} (object), got ${describeKind(v)}`;
      }
      const o = v as Record<string, unknown>;
      const missing = names.find((f) => o[f] === undefined);
      if (missing !== undefined) return `missing field "${missing}" of ${decl.qname}`;
      let unknown = '';
      for (const k in o) if (!names.includes(k)) unknown ||= k; // for-in, as the encoder counts
      return `unknown field "${unknown}" (${decl.qname} has ${names.join(', ')})`;
    };
    return {
      enc: (v, w) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(problem(v));
        const o = v as Record<string, unknown>;
        for (let i = 0; i < n; i++) {
          const f = o[names[i]!];
          if (f === undefined) fail(problem(v));
          if (path) path.push(segments[i]!);
          encs[i]!(f, w);
          if (path) path.pop();
        }
        let count = 0;
        for (const _ in o) count++;
        if (count !== n) fail(problem(v));
      },
      dec: (r) => {
        const o: Record<string, unknown> = { ...shape };
        for (let i = 0; i < n; i++) {
          if (path) path.push(segments[i]!);
          // Plain assignment is safe: the field is already an own property of the copy, even `__proto__`.
          o[names[i]!] = decs[i]!(r);
          if (path) path.pop();
        }
        return o;
      },
      min: fields.reduce((sum, f) => sum + f.min, 0),
    };
  }

  private sequence(decl: SequenceDecl): Compiled {
    if (decl.element.kind === 'builtin' && decl.element.name === 'byte') return this.byteSequence(decl);
    const path = this.path;
    const element = this.compile(decl.element);
    const { enc, dec } = element;
    const min = Math.max(1, element.min);
    const what = `${decl.qname} count`;
    return {
      enc: (v, w) => {
        if (!Array.isArray(v)) fail(`expected ${decl.qname} (array), got ${describeKind(v)}`);
        const a = v as unknown[];
        const n = a.length;
        w.u32(n);
        for (let i = 0; i < n; i++) {
          if (path) path.push(`[${i}]`);
          enc(a[i], w);
          if (path) path.pop();
        }
      },
      dec: (r) => {
        const n = r.count(min, what);
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) {
          if (path) path.push(`[${i}]`);
          a.push(dec(r));
          if (path) path.pop();
        }
        return a;
      },
      min: 4,
    };
  }

  private byteSequence(decl: SequenceDecl): Compiled {
    const path = this.path;
    const { min, max } = OCTET_RANGE;
    return {
      enc: (v, w) => {
        if (v instanceof Uint8Array) {
          w.bytes(v);
          return;
        }
        if (typeof v === 'string') {
          w.bytes(textBytes(decl, v));
          return;
        }
        if (!Array.isArray(v))
          fail(
            `expected ${decl.qname} (Uint8Array, array of ${min}..${max}, base64 or 0x-hex string), got ${describeKind(v)}`,
          );
        const a = v as unknown[];
        const n = a.length;
        w.u32(n);
        for (let i = 0; i < n; i++) {
          const b = a[i];
          if (typeof b !== 'number' || b !== (b | 0) || b < min || b > max) {
            if (path) path.push(`[${i}]`);
            fail(`expected byte (${min}..${max}), got ${describeValue(b)}`);
          }
          w.u8(b);
        }
      },
      dec: (r) => r.byteSeq(),
      min: 4,
    };
  }

  private dictionary(decl: DictionaryDecl): Compiled {
    const path = this.path;
    const key = this.compile(decl.key);
    const value = this.compile(decl.value);
    const kenc = key.enc;
    const venc = value.enc;
    const kdec = key.dec;
    const vdec = value.dec;
    const keyName = decl.key.kind === 'builtin' ? decl.key.name : null;
    const min = Math.max(1, key.min + value.min);
    const what = `${decl.qname} count`;
    const forms = keyName ? 'Map, object or array of [key, value] pairs' : 'Map or array of [key, value] pairs';
    const entry = (k: unknown, x: unknown, w: ByteWriter, spelled: unknown): void => {
      if (path) path.push(` key ${describeValue(spelled)}`);
      kenc(k, w);
      if (path) path.pop();
      if (path) path.push(keySegment(k));
      venc(x, w);
      if (path) path.pop();
    };
    return {
      enc: (v, w) => {
        if (v instanceof Map) {
          w.u32(v.size);
          for (const [k, x] of v) entry(k, x, w, k);
        } else if (Array.isArray(v)) {
          const n = v.length;
          w.u32(n);
          for (let i = 0; i < n; i++) {
            const pair: unknown = v[i];
            if (!Array.isArray(pair) || pair.length !== 2) {
              if (path) path.push(`[${i}]`);
              fail(
                `expected [key, value] pair, got ${Array.isArray(pair) ? `array of ${pair.length}` : describeKind(pair)}`,
              );
            }
            const [k, x] = pair as [unknown, unknown];
            entry(k, x, w, k);
          }
        } else if (keyName && isPlainObject(v)) {
          const keys = Object.keys(v);
          w.u32(keys.length);
          for (const s of keys) {
            const k = keyFromString(keyName, s);
            if (k === undefined) {
              if (path) path.push(` key ${describeValue(s)}`);
              fail(`expected ${builtinLabel(keyName)} spelled as an object key, got ${describeValue(s)}`);
            }
            entry(k, v[s], w, s);
          }
        } else {
          fail(`expected ${decl.qname} (${forms}), got ${describeKind(v)}`);
        }
      },
      dec: (r) => {
        const n = r.count(min, what);
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          if (path) path.push(` key #${i}`);
          const k = kdec(r);
          if (path) path.pop();
          if (path) path.push(keySegment(k));
          m.set(k, vdec(r));
          if (path) path.pop();
        }
        return m;
      },
      min: 4,
    };
  }
}

/** Only recursive types nest without bound; their depth is limited by the stack, not by us. */
const isStackOverflow = (e: unknown): boolean => e instanceof RangeError && /call stack/i.test(e.message);

/** Compiled parameter list of one operation. */
interface ParamList {
  names: string[];
  fast: Compiled[];
}

class Codec implements ModelCodec {
  private readonly fast: Compiler;
  private readonly traced: Compiler;
  private readonly trail: string[] = [];
  private readonly ops = new WeakMap<Operation, ParamList>();
  /** Reused for every encodeParams/encodeResult: sized once by the largest message. */
  private readonly scratch = new ByteWriter(1024);

  constructor(readonly model: IdlModel) {
    this.fast = new Compiler(model, null);
    this.traced = new Compiler(model, this.trail);
  }

  codecFor(type: TypeRef): TypeCodec {
    const { enc, dec } = this.fast.compile(type);
    return {
      type,
      encode: (value, w, path = 'value') => {
        try {
          enc(value, w);
        } catch (e) {
          throw this.placeEncodeError(e, path, (t) => this.traced.compile(type).enc(value, t));
        }
      },
      decode: (r, path = 'value') => {
        const start = r.offset;
        try {
          return dec(r);
        } catch (e) {
          throw this.placeDecodeError(e, path, () =>
            this.traced.compile(type).dec(new ByteReader(r.bytes, start, r.end)),
          );
        }
      },
    };
  }

  encodeValue(type: TypeRef, value: unknown, w: ByteWriter, path?: string): void {
    this.codecFor(type).encode(value, w, path);
  }

  decodeValue(type: TypeRef, r: ByteReader, path?: string): unknown {
    return this.codecFor(type).decode(r, path);
  }

  encodeParams(op: Operation, args: readonly unknown[] | Readonly<Record<string, unknown>>): Uint8Array {
    const { names, fast } = this.paramList(op);
    const values = this.positional(op, names, args);
    const w = this.scratch.reset();
    try {
      for (let i = 0; i < fast.length; i++) fast[i]!.enc(values[i], w);
    } catch (e) {
      throw this.placeEncodeError(e, '', (t) => {
        op.params.forEach((p, i) => {
          this.trail.push(`param ${p.name}`);
          this.traced.compile(p.type).enc(values[i], t);
          this.trail.pop();
        });
      });
    }
    return w.finish();
  }

  decodeParams(op: Operation, params: Uint8Array): Record<string, unknown> {
    const { names, fast } = this.paramList(op);
    const r = new ByteReader(params);
    const out: Record<string, unknown> = {};
    try {
      for (let i = 0; i < fast.length; i++) out[names[i]!] = fast[i]!.dec(r);
    } catch (e) {
      throw this.placeDecodeError(e, '', () => {
        const t = new ByteReader(params);
        for (const p of op.params) {
          this.trail.push(`param ${p.name}`);
          this.traced.compile(p.type).dec(t);
          this.trail.pop();
        }
      });
    }
    return out;
  }

  encodeResult(op: Operation, value: unknown): Uint8Array {
    const w = this.scratch.reset();
    this.codecFor(op.returns).encode(value, w, 'result');
    return w.finish();
  }

  decodeResult(op: Operation, bytes: Uint8Array): unknown {
    return this.codecFor(op.returns).decode(new ByteReader(bytes), 'result');
  }

  private paramList(op: Operation): ParamList {
    let list = this.ops.get(op);
    if (!list) {
      list = { names: op.params.map((p) => p.name), fast: op.params.map((p) => this.fast.compile(p.type)) };
      this.ops.set(op, list);
    }
    return list;
  }

  /** Arguments in declaration order, from an array or an object keyed by parameter name. */
  private positional(
    op: Operation,
    names: string[],
    args: readonly unknown[] | Readonly<Record<string, unknown>>,
  ): readonly unknown[] {
    const signature = `${op.name}(${names.join(', ')})`;
    if (Array.isArray(args)) {
      if (args.length !== names.length) {
        throw new CodecError('params', `${signature} takes ${names.length} argument(s), got ${args.length}`);
      }
      return args;
    }
    if (!isPlainObject(args))
      throw new CodecError(
        'params',
        `expected an array or an object keyed by parameter name, got ${describeKind(args)}`,
      );
    const record = args;
    for (const k of Object.keys(record)) {
      if (!names.includes(k)) throw new CodecError('params', `unknown parameter "${k}" (${signature})`);
    }
    return names.map((n) => {
      if (!Object.hasOwn(record, n)) throw new CodecError('params', `missing parameter "${n}" (${signature})`);
      return record[n];
    });
  }

  /** Re-runs a failed encode with the traced closures to name the place of the failure. */
  private placeEncodeError(e: unknown, root: string, retrace: (w: ByteWriter) => void): unknown {
    if (isStackOverflow(e))
      return new CodecError(root || 'params', 'value nested too deeply (does it contain itself?)');
    if (!(e instanceof CodecError)) return e;
    this.trail.length = 0;
    try {
      retrace(new ByteWriter());
    } catch (traced) {
      if (traced instanceof CodecError) return new CodecError(root + this.trail.join(''), traced.problem);
      return traced;
    }
    return new CodecError(root, e.problem);
  }

  /** Re-runs a failed decode with the traced closures; the message gains the path. */
  private placeDecodeError(e: unknown, root: string, retrace: () => void): unknown {
    if (isStackOverflow(e)) return new WireError('invalid-value', `${root || 'params'}: value nested too deeply`);
    if (!(e instanceof WireError)) return e;
    this.trail.length = 0;
    try {
      retrace();
    } catch (traced) {
      if (traced instanceof WireError)
        return new WireError(traced.reason, `${root + this.trail.join('')}: ${traced.message}`);
      return traced;
    }
    return e;
  }
}
