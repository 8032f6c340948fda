import { capture, evaluate, pushMatches } from '../../shared/collections/evaluate.js';
import { folderOf, isInFolder } from '../../shared/collections/names.js';
import { totalsOf } from '../../shared/collections/report.js';
import { fillJson, fillText, TemplateError, type VariableLookup } from '../../shared/collections/template.js';
import type {
  CallReport,
  Extra,
  InvokeRequest,
  JsonValue,
  RunReport,
  RunRequest,
  SavedCall,
  SeenPush,
  TargetSpec,
} from '../../shared/console-api/types.js';
import type { Assertions } from './assertions.js';
import type { ArrivedPush, RunBackend } from './backend.js';
import { planRun } from './plan.js';
import { RunError } from './run-error.js';

export interface RunOptions {
  id: string;
  assertions: Assertions;
  /** Each call's report as soon as it is known. */
  onCall?: (call: CallReport) => void;
  /** Set to stop: calls in flight finish, the rest are skipped. */
  signal?: AbortSignal;
}

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

/**
 * Runs saved calls as a test suite: in order (plan.ts), each call's `{{variables}}` filled from
 * the run's captures, then the environment and secrets; its expectations checked against the
 * answer and the pushes that arrived; its captures kept for the calls after it. A failed setup
 * skips its folder (its teardown still runs); `bail` skips everything after the first failure
 * but the teardowns of folders already entered.
 */
export async function runCollection(backend: RunBackend, request: RunRequest, options: RunOptions): Promise<RunReport> {
  const startedAt = Date.now();
  const started = performance.now();
  const all = await backend.savedCalls();
  const { plan, unknown } = planRun(all, request.selection);
  if (unknown.length > 0)
    throw new RunError(`no saved call or folder named ${unknown.map((u) => `"${u}"`).join(', ')}`);
  const captured = new Map<string, JsonValue>(Object.entries(request.variables ?? {}));
  const reports: CallReport[] = [];
  const failedSetups: string[] = [];
  let bailed = false;
  for (const { call, role } of plan) {
    const brokenSetup = failedSetups.find((f) => role !== 'teardown' && isInFolder(call.name, f));
    const skip =
      options.signal?.aborted === true
        ? 'the run was stopped'
        : brokenSetup !== undefined
          ? `the setup of ${brokenSetup || 'the collection'} failed`
          : bailed && role !== 'teardown'
            ? 'skipped after the first failure (--bail)'
            : undefined;
    const report: CallReport = skip
      ? {
          name: call.name,
          role,
          verdict: 'skipped',
          message: skip,
          outcomes: [],
          pushes: [],
          captured: {},
          durationMs: 0,
        }
      : await runCall(backend, call, role, request, captured, options);
    if (report.verdict === 'failed') {
      if (role === 'setup') failedSetups.push(folderOf(call.name));
      if (request.bail) bailed = true;
    }
    reports.push(report);
    options.onCall?.(report);
  }
  const report: RunReport = {
    id: options.id,
    selection: request.selection,
    startedAt,
    calls: reports,
    totals: totalsOf(reports, performance.now() - started),
  };
  if (request.environment !== undefined) report.environment = request.environment;
  return report;
}

/** The values `{{names}}` in a call refer to, looked up once before it is sent. */
async function variablesFor(
  backend: RunBackend,
  call: SavedCall,
  captured: ReadonlyMap<string, JsonValue>,
): Promise<Map<string, JsonValue>> {
  const values = new Map(captured);
  for (const [, name] of JSON.stringify(call).matchAll(PLACEHOLDER)) {
    if (values.has(name!)) continue;
    const value = await backend.variable(name!);
    if (value !== undefined) values.set(name!, value);
  }
  return values;
}

/** A saved call as it is sent: `{{variables}}` filled (TemplateError when one is not set). */
export async function prepareCall(
  backend: RunBackend,
  call: SavedCall,
  target: TargetSpec | undefined,
  captured: ReadonlyMap<string, JsonValue>,
): Promise<InvokeRequest> {
  const values = await variablesFor(backend, call, captured);
  return requestFor(call, target, (name) => values.get(name));
}

function requestFor(call: SavedCall, target: TargetSpec | undefined, lookup: VariableLookup): InvokeRequest {
  const extra: Extra | undefined =
    call.extra && Object.fromEntries(Object.entries(call.extra).map(([k, v]) => [k, fillText(v, lookup)]));
  const chosen = target ?? call.target;
  const request: InvokeRequest = {
    interface: call.interface,
    method: call.method,
    args: fillJson(call.args, lookup),
    mode: call.mode,
  };
  if (call.timeoutMs !== undefined) request.timeoutMs = call.timeoutMs;
  if (extra) request.extra = extra;
  if (!chosen) throw new TemplateError('no target: give the saved call a target, or choose one for the run (--target)');
  request.target = chosen.kind === 'url' ? { kind: 'url', url: fillText(chosen.url, lookup) } : chosen;
  return request;
}

async function runCall(
  backend: RunBackend,
  call: SavedCall,
  role: CallReport['role'],
  run: RunRequest,
  captured: Map<string, JsonValue>,
  options: RunOptions,
): Promise<CallReport> {
  const started = performance.now();
  const base = { name: call.name, role, captured: {} as Record<string, JsonValue> };
  const values = await variablesFor(backend, call, captured);
  const lookup: VariableLookup = (name) => values.get(name);
  let request: InvokeRequest;
  try {
    request = requestFor(call, run.target, lookup);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { ...base, verdict: 'failed', message: error.message, outcomes: [], pushes: [], durationMs: 0 };
  }
  const expectations = call.expectations ?? [];
  const pushExpectations = expectations.flatMap((e) => (e.kind === 'push' ? [e] : []));
  const pushes: SeenPush[] = [];
  let satisfied: () => void = () => {};
  const allSeen = (): boolean => pushExpectations.every((e) => pushes.some((p) => pushMatches(e, p, lookup)));
  const stop = backend.watchPushes((p: ArrivedPush) => {
    pushes.push({ method: p.method, args: p.args, afterMs: Math.round((p.at - started) * 1000) / 1000 });
    if (allSeen()) satisfied();
  });
  let result;
  try {
    result = await backend.invoke(request, { run: options.id, call: call.name });
    // Pushes may come after the answer: wait for the expected ones, at most as long as they allow.
    const longest = Math.max(0, ...pushExpectations.map((e) => e.withinMs));
    const left = started + longest - performance.now();
    if (!allSeen() && left > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        satisfied = () => {
          clearTimeout(timer);
          resolve();
        };
      });
  } finally {
    stop();
  }
  const taken = capture(call.captures ?? [], result);
  const outcomes = [
    ...(await evaluate(
      expectations,
      { result, pushes },
      lookup,
      () => Object.fromEntries(values),
      options.assertions.run,
    )),
    ...taken.outcomes,
  ];
  const failure = outcomes.find((o) => !o.pass);
  for (const [name, value] of Object.entries(taken.values)) {
    captured.set(name, value);
    base.captured[name] = value;
  }
  const report: CallReport = {
    ...base,
    verdict: failure ? 'failed' : 'passed',
    outcomes,
    result,
    pushes,
    durationMs: performance.now() - started,
  };
  if (failure) report.message = failure.message;
  return report;
}
