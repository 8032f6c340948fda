import type {
  Capture,
  Expectation,
  ExpectationOutcome,
  InvokeResult,
  JsonValue,
  SeenPush,
} from '../console-api/types.js';
import { firstDifference } from './match.js';
import { PathError, valueAt } from './path.js';
import { asText, fillJson, fillText, TemplateError, type VariableLookup } from './template.js';

/** What a call produced, as the expectations see it. */
export interface Observation {
  result: InvokeResult;
  pushes: SeenPush[];
}

/** What a JavaScript assertion sees (the names are the documented ones). */
export interface ScriptContext {
  result: JsonValue;
  error: { code: number; codeName: string; reason: string } | null;
  pushes: SeenPush[];
  extra: Record<string, string>;
  latencyMs: number;
  variables: Record<string, JsonValue>;
}

/** Runs a JavaScript assertion somewhere isolated (the runner's worker); pure code cannot. */
export type ScriptRunner = (source: string, context: ScriptContext) => Promise<{ pass: boolean; message: string }>;

/** The call fails unless its expectations say it should: no `error` expectation means it must succeed. */
export const expectsFailure = (expectations: readonly Expectation[]): boolean =>
  expectations.some((e) => e.kind === 'error');

/** Whether a push expectation is met by what has been seen so far. */
export function pushMatches(
  e: Extract<Expectation, { kind: 'push' }>,
  push: SeenPush,
  lookup: VariableLookup,
): boolean {
  if (push.method !== e.method || push.afterMs > e.withinMs) return false;
  return e.args === undefined || firstDifference(push.args, fillJson(e.args, lookup), '$') === undefined;
}

/**
 * Checks every expectation of a call against what it produced, in order. A call with none
 * passes when it succeeded. Values in expectations may hold `{{variables}}`.
 */
export async function evaluate(
  expectations: readonly Expectation[],
  seen: Observation,
  lookup: VariableLookup,
  variables: () => Record<string, JsonValue>,
  runScript: ScriptRunner,
): Promise<ExpectationOutcome[]> {
  const outcomes: ExpectationOutcome[] = [];
  const { result } = seen;
  if (!result.ok && !expectsFailure(expectations))
    outcomes.push({
      index: -1,
      kind: 'error',
      pass: false,
      message: `the call failed: error ${result.error.codeName} (${result.error.code}): ${result.error.reason}`,
      expected: 'success',
      actual: { code: result.error.code, reason: result.error.reason },
    });
  for (const [index, e] of expectations.entries()) {
    try {
      outcomes.push({ index, kind: e.kind, ...(await check(e, seen, lookup, variables, runScript)) });
    } catch (error) {
      if (!(error instanceof TemplateError || error instanceof PathError)) throw error;
      outcomes.push({ index, kind: e.kind, pass: false, message: error.message });
    }
  }
  return outcomes;
}

type Verdict = Omit<ExpectationOutcome, 'index' | 'kind'>;

const pass = (message: string): Verdict => ({ pass: true, message });
const compare = (expected: JsonValue, actual: JsonValue, difference: string | undefined, what: string): Verdict =>
  difference === undefined
    ? { pass: true, message: what, expected, actual }
    : { pass: false, message: difference, expected, actual };

async function check(
  e: Expectation,
  { result, pushes }: Observation,
  lookup: VariableLookup,
  variables: () => Record<string, JsonValue>,
  runScript: ScriptRunner,
): Promise<Verdict> {
  switch (e.kind) {
    case 'error': {
      if (!result.ok && result.error.code === e.code) return pass(`failed with error ${e.code} as expected`);
      const actual: JsonValue = result.ok ? 'success' : result.error.code;
      const got = result.ok ? 'it succeeded' : `error ${result.error.codeName} (${result.error.code})`;
      return { pass: false, message: `expected error ${e.code}, ${got}`, expected: e.code, actual };
    }
    case 'latency':
      return result.latencyMs < e.underMs
        ? pass(`answered in ${result.latencyMs} ms`)
        : {
            pass: false,
            message: `expected an answer under ${e.underMs} ms, took ${result.latencyMs} ms`,
            expected: e.underMs,
            actual: result.latencyMs,
          };
    case 'push': {
      if (pushes.some((p) => pushMatches(e, p, lookup))) return pass(`push ${e.method} arrived`);
      const same = pushes.filter((p) => p.method === e.method);
      const expected: JsonValue = {
        method: e.method,
        ...(e.args === undefined ? {} : { args: fillJson(e.args, lookup) }),
      };
      const message =
        same.length === 0
          ? `no push of ${e.method} within ${e.withinMs} ms (${pushes.length} other push(es) seen)`
          : `${same.length} push(es) of ${e.method} arrived but none ${e.args === undefined ? `within ${e.withinMs} ms` : 'with matching args in time'}`;
      return {
        pass: false,
        message,
        expected,
        actual: same.map((p) => ({ method: p.method, args: p.args, afterMs: p.afterMs })),
      };
    }
    case 'script': {
      const verdict = await runScript(e.source, {
        result: result.ok ? result.value : null,
        error: result.ok ? null : result.error,
        pushes,
        extra: result.ok ? result.extra : {},
        latencyMs: result.latencyMs,
        variables: variables(),
      });
      return { pass: verdict.pass, message: verdict.message };
    }
    default:
      break;
  }
  if (!result.ok) return { pass: false, message: `no result to check: the call failed (error ${result.error.code})` };
  switch (e.kind) {
    case 'equals': {
      const expected = fillJson(e.value, lookup);
      return compare(expected, result.value, firstDifference(result.value, expected, '$', false), 'result equals');
    }
    case 'contains': {
      const expected = fillJson(e.value, lookup);
      return compare(expected, result.value, firstDifference(result.value, expected, '$'), 'result contains');
    }
    case 'path': {
      const expected = fillJson(e.value, lookup);
      const at = valueAt(result.value, e.path);
      if (!at.found) return { pass: false, message: at.missing, expected };
      return compare(expected, at.value, firstDifference(at.value, expected, e.path, false), `${e.path} equals`);
    }
    case 'matches': {
      const pattern = fillText(e.regex, lookup);
      const at = valueAt(result.value, e.path);
      if (!at.found) return { pass: false, message: at.missing, expected: `/${pattern}/` };
      const text = asText(at.value);
      return new RegExp(pattern).test(text)
        ? pass(`${e.path} matches /${pattern}/`)
        : {
            pass: false,
            message: `${e.path}: ${JSON.stringify(text)} does not match /${pattern}/`,
            expected: `/${pattern}/`,
            actual: text,
          };
    }
    case 'extra': {
      const value = fillText(e.value, lookup);
      const actual = result.extra[e.key];
      return actual === value
        ? pass(`extra ${e.key}=${value}`)
        : {
            pass: false,
            message:
              actual === undefined
                ? `extra has no ${e.key}`
                : `extra ${e.key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(actual)}`,
            expected: { [e.key]: value },
            actual: result.extra,
          };
    }
  }
}

/** Takes each capture's value from the result; a missing one fails the call (later calls would need it). */
export function capture(
  captures: readonly Capture[],
  result: InvokeResult,
): { outcomes: ExpectationOutcome[]; values: Record<string, JsonValue> } {
  const outcomes: ExpectationOutcome[] = [];
  const values: Record<string, JsonValue> = {};
  for (const c of captures) {
    if (!result.ok) {
      outcomes.push({
        index: -1,
        kind: 'capture',
        pass: false,
        message: `{{${c.variable}}} not captured: the call failed`,
      });
      continue;
    }
    let at;
    try {
      at = valueAt(result.value, c.path);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      outcomes.push({ index: -1, kind: 'capture', pass: false, message: error.message });
      continue;
    }
    if (at.found) {
      values[c.variable] = at.value;
      outcomes.push({ index: -1, kind: 'capture', pass: true, message: `{{${c.variable}}} = ${asText(at.value)}` });
    } else
      outcomes.push({
        index: -1,
        kind: 'capture',
        pass: false,
        message: `{{${c.variable}}} not captured: ${at.missing}`,
      });
  }
  return { outcomes, values };
}
