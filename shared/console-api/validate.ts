import type { JsonValue } from '../wire/json-value.js';
import type { ConsoleErrorData, MethodName, MethodParams } from './api.js';
import { messageOf } from '../message-of.js';

/**
 * Runtime checks of every method's params, run by both bridges before the host sees a call:
 * the renderer is untrusted input like any other. Small hand-written combinators; a failure
 * names the place (`params.target.url: expected a string`). Unknown fields are errors, so a
 * misspelt option is reported instead of silently ignored.
 *
 * Each check carries the type it admits, and the table below is typed against the contract, so a
 * field added to a request type and forgotten here (or a field checked here that the type lacks)
 * is a compile error, not a runtime surprise (test/unit/validate-types.test.ts).
 */

declare const admits: unique symbol;

/**
 * Returns what is wrong with `value`, or undefined when it is a T. T exists only for the compiler:
 * `same` takes and returns T's exact form, which makes Check invariant, and the exact form spells
 * optionality out, so that two checks are interchangeable only when every field and whether it is
 * optional agree (plain assignability would let an extra or a missing optional field pass).
 */
export interface Check<T> {
  (value: unknown, path: string): string | undefined;
  readonly [admits]: { readonly type: T; readonly same: (t: Exact<T>) => Exact<T> };
}

/** T with each optional field made required and wrapped in `{ optional }`, recursively. */
type Exact<T> = T extends object
  ? { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? { optional: Exact<T[K]> } : Exact<T[K]> }
  : T;

/** Any check, whatever it admits (for constraints). */
interface SomeCheck {
  (value: unknown, path: string): string | undefined;
  readonly [admits]: { readonly type: unknown };
}

/** The type a check admits. */
export type Checked<C> = C extends { readonly [admits]: { readonly type: infer T } } ? T : never;

/** One object type of an intersection, so that it is identical to the interface it mirrors. */
type Flat<T> = { [K in keyof T]: T[K] };

/** The one place a check function is declared to admit T: the combinators below keep the promise. */
const check = <T>(fn: (value: unknown, path: string) => string | undefined): Check<T> => fn as Check<T>;

const MAX_STRING = 64 * 1024 * 1024;
const MAX_ARRAY = 1_000_000;
const MAX_DEPTH = 64;

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `${typeof v} ${JSON.stringify(v)?.slice(0, 40) ?? ''}`.trim();
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

export const str = (options: { min?: number; max?: number; pattern?: RegExp; what?: string } = {}): Check<string> =>
  check((v, path) => {
    if (typeof v !== 'string') return `${path}: expected a string, got ${describe(v)}`;
    if (v.length < (options.min ?? 0)) return `${path}: must not be empty`;
    if (v.length > (options.max ?? MAX_STRING)) return `${path}: longer than ${options.max ?? MAX_STRING} characters`;
    if (options.pattern && !options.pattern.test(v))
      return `${path}: ${options.what ?? `does not match ${String(options.pattern)}`}`;
    return undefined;
  });

export const int = (min: number, max: number): Check<number> =>
  check((v, path) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `${path}: expected an integer from ${min} to ${max}, got ${describe(v)}`,
  );

export const oneOf = <T extends string>(...values: T[]): Check<T> =>
  check((v, path) =>
    typeof v === 'string' && (values as string[]).includes(v)
      ? undefined
      : `${path}: expected one of ${values.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}`,
  );

export const boolean: Check<boolean> = check((v, path) =>
  typeof v === 'boolean' ? undefined : `${path}: expected true or false, got ${describe(v)}`,
);

export const nullable = <T>(inner: Check<T>): Check<T | null> =>
  check((v, path) => (v === null ? undefined : inner(v, path)));

export const array = <T>(item: Check<T>, max = MAX_ARRAY): Check<T[]> =>
  check((v, path) => {
    if (!Array.isArray(v)) return `${path}: expected an array, got ${describe(v)}`;
    if (v.length > max) return `${path}: more than ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  });

/** An object of string keys to values that pass `value` (extra, variables). */
export const record = <T>(value: Check<T>): Check<Record<string, T>> =>
  check((v, path) => {
    if (!isPlainObject(v)) return `${path}: expected an object, got ${describe(v)}`;
    for (const key of Object.keys(v)) {
      const problem = value(v[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  });

type Fields = Record<string, SomeCheck>;

/** A fixed shape: `required` fields must be present, `optional` ones may be; nothing else. */
export function object<R extends Fields>(required: R): Check<{ [K in keyof R]: Checked<R[K]> }>;
export function object<R extends Fields, O extends Fields>(
  required: R,
  optional: O,
): Check<Flat<{ [K in keyof R]: Checked<R[K]> } & { [K in keyof O]?: Checked<O[K]> }>>;
export function object(required: Fields, optional: Fields = {}): SomeCheck {
  return check((v, path) => {
    if (!isPlainObject(v)) return `${path}: expected an object, got ${describe(v)}`;
    for (const key of Object.keys(v)) {
      if (!(key in required) && !(key in optional)) return `${path}: unknown field "${key}"`;
    }
    for (const [key, fieldCheck] of Object.entries(required)) {
      if (!(key in v) || v[key] === undefined) return `${path}.${key}: missing`;
      const problem = fieldCheck(v[key], `${path}.${key}`);
      if (problem) return problem;
    }
    for (const [key, fieldCheck] of Object.entries(optional)) {
      if (v[key] === undefined) continue;
      const problem = fieldCheck(v[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  });
}

/** Tagged unions: the `kind` (or other tag) field picks the shape; the union of the shapes. */
export const tagged = <S extends Fields>(tag: string, shapes: S): Check<Checked<S[keyof S]>> =>
  check((v, path) => {
    const value = isPlainObject(v) ? v[tag] : undefined;
    if (typeof value !== 'string' || !(value in shapes))
      return `${path}.${tag}: expected one of ${Object.keys(shapes)
        .map((k) => `"${k}"`)
        .join(', ')}, got ${describe(value)}`;
    return shapes[value]!(v, path);
  });

/** `base`, then a rule across fields that the shape alone cannot say. */
const refine = <T>(
  base: Check<T>,
  rule: (value: Record<string, unknown>, path: string) => string | undefined,
): Check<T> => check((v, path) => base(v, path) ?? (isPlainObject(v) ? rule(v, path) : undefined));

/** Any JSON value (finite numbers, plain objects, bounded depth): what structured clone may not guarantee. */
export const json: Check<JsonValue> = check((v, path) => jsonAt(v, path, 0));
function jsonAt(v: unknown, path: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `${path}: nested deeper than ${MAX_DEPTH} levels`;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number')
    return Number.isFinite(v) ? undefined : `${path}: ${v} is not a JSON number (write "NaN", "Infinity" as strings)`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const problem = jsonAt(v[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isPlainObject(v)) {
    for (const key of Object.keys(v)) {
      const problem = jsonAt(v[key], `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path}: ${describe(v)} is not JSON`;
}

const none = object({});
const text = str();
const name = str({ min: 1, max: 1024 });
const extra = record(str({ max: 1024 * 1024 }));
/** Each part of a saved call's name becomes a file name: no separators, no control characters, not `.` or `..`. */
const fileName = str({
  min: 1,
  max: 100,
  // eslint-disable-next-line no-control-regex -- control characters are what it rejects
  pattern: /^(?!\.{1,2}$)[^/\\:*?"<>|\u0000-\u001f]+$/,
  what: 'must be a file name: no / \\ : * ? " < > | or control characters',
});
/** Saved calls may sit in folders: `a/b/name`, each part a file name, at most 16 deep. */
const MAX_CALL_DEPTH = 16;
const savedCallName = check<string>((v, path) => {
  const problem = str({ min: 1, max: 1024 })(v, path);
  if (problem) return problem;
  const parts = (v as string).split('/');
  if (parts.length > MAX_CALL_DEPTH) return `${path}: more than ${MAX_CALL_DEPTH} folders deep`;
  for (const part of parts) {
    const bad = fileName(part, path);
    if (bad) return `${bad} (in "${part}"; folders are separated by /)`;
  }
  return undefined;
});
const qualifiedName = str({
  min: 1,
  max: 1024,
  pattern: /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/,
  what: 'expected module.Interface, e.g. test.Server',
});
const feedId = int(0, Number.MAX_SAFE_INTEGER);
const target = tagged('kind', {
  endpoint: object({ kind: oneOf('endpoint'), endpoint: name }),
  url: object({ kind: oneOf('url'), url: str({ min: 1, max: 4096 }) }),
});
const mode = oneOf('twoway', 'oneway', 'async');
const timeoutMs = int(0, 0x7fffffff);
const filter = object(
  {},
  {
    query: str({ max: 4096 }),
    wholeCalls: boolean,
    text: str({ max: 4096 }),
    interface: str({ max: 1024 }),
    method: str({ max: 1024 }),
    direction: oneOf('in', 'out'),
    userId: str({ max: 1024 }),
    hop: oneOf('console', 'proxy', 'gateway', 'queue', 'server'),
    extra,
  },
);
const invokeRequest = refine(
  object(
    { interface: qualifiedName, method: name, args: json, mode },
    { connectionId: name, target, timeoutMs, extra, callId: name },
  ),
  (v, path) =>
    v['connectionId'] === undefined && v['target'] === undefined ? `${path}: give connectionId or target` : undefined,
);
const errcode = int(1, 0x7fffffff);
const jsonPath = str({
  min: 1,
  max: 1024,
  pattern: /^\$/,
  what: 'a path starts with $ (the result), e.g. $.items[0].id',
});
const regex = check<string>((v, path) => {
  const problem = str({ min: 1, max: 4096 })(v, path);
  if (problem) return problem;
  try {
    new RegExp(v as string);
    return undefined;
  } catch (error) {
    return `${path}: not a regular expression (${messageOf(error)})`;
  }
});
const expectation = tagged('kind', {
  equals: object({ kind: oneOf('equals'), value: json }),
  contains: object({ kind: oneOf('contains'), value: json }),
  path: object({ kind: oneOf('path'), path: jsonPath, value: json }),
  matches: object({ kind: oneOf('matches'), path: jsonPath, regex }),
  error: object({ kind: oneOf('error'), code: errcode }),
  latency: object({ kind: oneOf('latency'), underMs: int(1, 3_600_000) }),
  push: object(
    {
      kind: oneOf('push'),
      method: str({ min: 3, max: 1024, pattern: /\.[^.]+\.[^.]+$/, what: 'expected module.Interface.method' }),
      withinMs: int(0, 3_600_000),
    },
    { args: json },
  ),
  extra: object({ kind: oneOf('extra'), key: str({ min: 1, max: 1024 }), value: str({ max: 1024 * 1024 }) }),
  script: object({ kind: oneOf('script'), source: str({ min: 1, max: 64 * 1024 }) }),
});
const variableName = str({ min: 1, max: 256, pattern: /^[\w.-]+$/, what: 'letters, digits, _ . - only' });
const capture = object({ variable: variableName, path: jsonPath });
const savedCall = object(
  { name: savedCallName, interface: qualifiedName, method: name, args: json, mode },
  { target, timeoutMs, extra, expectations: array(expectation, 1000), captures: array(capture, 1000) },
);
const delayMs = int(0, 3_600_000);
const mockOverride = object(
  {},
  {
    answer: tagged('kind', {
      result: object({ kind: oneOf('result'), value: json }),
      error: object({ kind: oneOf('error'), code: errcode }, { reason: str({ max: 4096 }) }),
    }),
    delayMs,
  },
);
const pushRecipient = tagged('kind', {
  user: object({ kind: oneOf('user'), gateway: name, userId: str({ min: 1, max: 1024 }) }),
  all: object({ kind: oneOf('all') }),
});
const requestDraft = object(
  {
    argsText: record(str({ max: 1024 * 1024 })),
    mode,
    timeoutMs,
    extras: array(object({ key: text, value: text }), 1000),
  },
  { target, adHocUrl: str({ max: 4096 }), interface: qualifiedName, method: name },
);
const requestTabs = object({ active: int(0, 99), tabs: array(requestDraft, 100) });
const environment = object({ name, variables: record(str({ max: 1024 * 1024 })), extraDefaults: extra });

const validators: { [M in MethodName]: Check<MethodParams<M>> } = {
  'app.info': none,
  'project.open': object({ path: str({ min: 1, max: 4096 }) }),
  'project.current': none,
  'project.browse': object({ path: str({ max: 4096 }) }),
  'project.pickFolder': none,
  'project.close': none,
  'project.compile': object({}, { overrides: array(object({ path: str({ min: 1, max: 4096 }), text }), 10_000) }),
  'file.read': object({ path: str({ min: 1, max: 4096 }) }),
  'file.write': object({ path: str({ min: 1, max: 4096 }), text, baseVersion: nullable(str({ max: 256 })) }),
  'connection.open': object({ target }, { token: str({ max: 64 * 1024 }), deviceId: str({ max: 1024 }) }),
  'connection.close': object({ id: name }),
  'connection.list': none,
  invoke: invokeRequest,
  'invoke.cancel': object({ callId: name }),
  'workspace.tabs': none,
  'workspace.setTabs': requestTabs,
  'workspace.secretNames': none,
  'feed.subscribe': object({}, { afterId: feedId }),
  'feed.unsubscribe': none,
  'feed.pause': none,
  'feed.resume': none,
  'feed.query': object({ limit: int(1, 100_000) }, { afterId: feedId, filter }),
  'feed.decode': object({ id: feedId }),
  'feed.related': object({ id: feedId }),
  'feed.clear': none,
  'feed.export': object({}, { ids: array(feedId), filter }),
  'feed.import': object({ ndjson: text }),
  'feed.stats': none,
  'sandbox.start': object(
    {},
    {
      broker: oneOf('auto', 'amqp', 'memory'),
      amqpUrl: str({ min: 1, max: 4096 }),
      listenHost: str({ min: 1, max: 255 }),
      mode: oneOf('full', 'gateways', 'backends'),
    },
  ),
  'sandbox.stop': none,
  'sandbox.state': none,
  'sandbox.clients': none,
  'mocks.state': none,
  'mocks.setOverride': object({ interface: qualifiedName, method: name, override: nullable(mockOverride) }),
  'push.send': object({ interface: qualifiedName, method: name, args: json, to: pushRecipient }, { extra }),
  'workspace.state': none,
  'workspace.setEnvironments': object({ environments: array(environment, 1000) }, { activeEnvironment: name }),
  'workspace.savedCalls': none,
  'workspace.saveCall': object({ call: savedCall }),
  'workspace.deleteCall': object({ name: savedCallName }),
  'workspace.renameCall': object({ from: savedCallName, to: savedCallName }),
  'workspace.duplicateCall': object({ name: savedCallName, newName: savedCallName }),
  'workspace.history': object({}, { limit: int(1, 100_000) }),
  'workspace.setSecret': object({
    name: str({ min: 1, max: 256, pattern: /^[\w.-]+$/, what: 'letters, digits, _ . - only' }),
    value: nullable(str({ max: 1024 * 1024 })),
  }),
  ...runsValidators(),
  ...attachValidators(),
};

/** The runs.* block (docs/collections.md). */
function runsValidators(): { [M in Extract<MethodName, `runs.${string}`>]: Check<MethodParams<M>> } {
  return {
    'runs.start': object(
      { selection: array(savedCallName, 10_000) },
      { environment: name, target, bail: boolean, variables: record(json) },
    ),
    'runs.load': object(
      { call: savedCallName, concurrency: int(1, 1024) },
      {
        environment: name,
        target,
        durationMs: int(1, 3_600_000),
        calls: int(1, 100_000_000),
        rate: int(1, 1_000_000),
      },
    ),
    'runs.cancel': object({ runId: name }),
  };
}

/** The attach.* block (docs/attach.md). */
function attachValidators(): { [M in Extract<MethodName, `attach.${string}`>]: Check<MethodParams<M>> } {
  const url = str({ min: 1, max: 4096 });
  return {
    'attach.proxy.start': object({ upstream: target }, { listen: url }),
    'attach.proxy.stop': object({ id: name }),
    'attach.tap.start': object({}, { amqpUrl: url }),
    'attach.tap.stop': object({ id: name }),
    'attach.list': none,
  };
}

/** What is wrong with a stored mock override (`.tce-console/mocks.json`), or undefined. */
export const mockOverrideProblem = (value: unknown, path: string): string | undefined => mockOverride(value, path);

/** What is wrong with stored request tabs (`.tce-console/tabs.json`), or undefined. */
export const requestTabsProblem = (value: unknown): string | undefined => requestTabs(value, 'tabs');

export function isMethodName(method: unknown): method is MethodName {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(validators, method);
}

export type CheckedCall<M extends MethodName = MethodName> =
  { ok: true; method: M; params: MethodParams<M> } | { ok: false; error: ConsoleErrorData };

/**
 * Checks a call as it arrives from a bridge: a known method and params of the right shape.
 * A missing params value counts as `{}`, so methods without params may be called without any.
 */
export function checkCall(method: unknown, params: unknown): CheckedCall {
  if (!isMethodName(method))
    return { ok: false, error: { code: 'unknown-method', message: `unknown method ${describe(method)}` } };
  const value = params === undefined ? {} : params;
  const problem = validators[method](value, 'params');
  if (problem) return { ok: false, error: { code: 'invalid-params', message: `${method}: ${problem}` } };
  return { ok: true, method, params: value as MethodParams<typeof method> };
}
