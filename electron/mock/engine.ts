import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConsoleError } from '../../shared/console-api/api.js';
import type { MockOperation, MockOverride, MockSource, MocksState } from '../../shared/console-api/types.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import { resolveOperation, type IdlModel } from '../../shared/idl/model.js';
import type { ConfigModel, ServicesModel } from '../../shared/project/model.js';
import { clientInterfaces } from '../../shared/project/routing.js';
import { pushTarget, type MqWriters } from '../../shared/rpc/mq-writers.js';
import { ErrorAnswer, ErrorCode } from '../../shared/rpc/errors.js';
import type { CallContext } from '../../shared/rpc/servant.js';
import type { ByteWriter } from '../../shared/wire/bytes.js';
import { createCodec, type ModelCodec } from '../../shared/wire/codec.js';
import { CodecError } from '../../shared/wire/errors.js';
import { exampleValue } from '../../shared/wire/example.js';
import { toJsonValue, type JsonValue } from '../../shared/wire/json-value.js';
import { CallType, ExtraKey } from '../../shared/wire/message.js';
import { FolderWatcher } from '../host/watch.js';
import { mockCatalog, type MockCatalog, type MockedOperation } from './catalog.js';
import { MockScripts, type ScriptAnswer, type ScriptPush } from './scripts.js';
import { MAX_DELAY_MS, type CallRoute } from './worker-protocol.js';
import { messageOf } from '../../shared/message-of.js';
import type { LogLevel } from '../../shared/log.js';

/** Where overrides are kept (the console's workspace: `.tce-console/mocks.json`). */
export interface OverrideStorage {
  /** The file, watched for edits made by hand. */
  readonly file: string;
  load(): Promise<Record<string, MockOverride>>;
  save(overrides: Record<string, MockOverride>): Promise<void>;
}

export interface MockProject {
  model: IdlModel;
  services: ServicesModel | undefined;
  config: ConfigModel | undefined;
}

export interface MockEngineOptions extends MockProject {
  /** The project folder: scripts live in `<root>/mocks/`. */
  root: string;
  overrides: OverrideStorage;
  log: (level: LogLevel, message: string) => void;
  /** A handler's own time per call (each ctx.delay adds to it). Default 10 000 ms. */
  handlerTimeoutMs?: number;
  /** Reload scripts and overrides when their files change. Default true. */
  watch?: boolean;
}

/** An error answer of a mock, with what produced it. */
export class MockErrorAnswer extends ErrorAnswer {
  constructor(
    code: number,
    reason: string,
    readonly source: MockSource,
  ) {
    super(code, reason);
  }
}

const DEFAULT_HANDLER_TIMEOUT_MS = 10_000;
/** mocks.changed at most this often: call counts change with every call. */
const CHANGE_INTERVAL_MS = 500;
/** Values in log lines are cut here. */
const LOG_VALUE_CHARS = 200;

/**
 * The mock engine of one project: what its mock back ends answer. One per open project (the
 * console) or run (tce-mock), shared by every back end of the sandbox: overrides, then
 * scripts, then the operation's example value; every answer encoded with the model codec.
 */
export class MockEngine {
  private project: MockProject;
  private codec: ModelCodec;
  private catalogNow: MockCatalog;
  private clients: Set<string>;
  private overrides: Record<string, MockOverride> = {};
  private readonly counts = new Map<string, number>();
  private readonly examples = new Map<string, JsonValue>();
  private readonly scripts: MockScripts;
  private readonly writers = new Map<string, MqWriters>();
  private readonly sleepers = new Set<() => void>();
  private readonly listeners = new Set<(state: MocksState) => void>();
  private readonly watcher: FolderWatcher | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private lastChange = 0;

  private constructor(private readonly options: MockEngineOptions) {
    this.project = { model: options.model, services: options.services, config: options.config };
    this.codec = createCodec(options.model);
    this.catalogNow = mockCatalog(options.model, options.services, options.config);
    this.clients = new Set(options.services ? clientInterfaces(options.services) : []);
    this.scripts = new MockScripts(
      {
        root: options.root,
        handlerTimeoutMs: options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS,
        log: options.log,
        changed: () => this.changed(),
        push: (push) => this.scriptPush(push),
      },
      options.model,
    );
    if (options.watch !== false) {
      this.watcher = new FolderWatcher(
        (paths) => this.filesChanged(paths),
        (level, message) => options.log(level, message),
      );
      this.watchFolders();
    }
  }

  /** Loads overrides and scripts; problems in them are reported (state().problems), never thrown. */
  static async open(options: MockEngineOptions): Promise<MockEngine> {
    const engine = new MockEngine(options);
    await engine.loadOverrides();
    await engine.scripts.reload();
    for (const note of engine.catalogNow.notes) options.log('warn', note);
    return engine;
  }

  get catalog(): MockCatalog {
    return this.catalogNow;
  }

  get model(): IdlModel {
    return this.project.model;
  }

  /** The project was reloaded: operations and examples follow its IDL. */
  setProject(project: MockProject): void {
    this.project = project;
    this.codec = createCodec(project.model);
    this.catalogNow = mockCatalog(project.model, project.services, project.config);
    this.clients = new Set(project.services ? clientInterfaces(project.services) : []);
    this.examples.clear();
    this.scripts.setModel(project.model);
    this.changed();
  }

  /** Tells the console of changes (at most every 500 ms). Returns the function that stops it. */
  onChange(listener: (state: MocksState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where a back end's pushes leave: its writers (the gateways' queues, by `__mq_return__`). */
  attach(backEnd: string, writers: MqWriters): () => void {
    this.writers.set(backEnd, writers);
    return () => {
      if (this.writers.get(backEnd) === writers) this.writers.delete(backEnd);
    };
  }

  state(): MocksState {
    const operations: MockOperation[] = [];
    for (const m of this.catalogNow.operations.values()) {
      const backEnds = this.catalogNow.backEnds
        .filter((b) => b.operations.some((o) => o.key === m.key))
        .map((b) => b.section);
      const override = this.overrides[m.key];
      const handler = this.scripts.handlerFor(handlerKeys(m, m.carriers));
      const op: MockOperation = {
        interface: m.owner.qname,
        method: m.op.name,
        ifidx: m.owner.index,
        opidx: m.op.index,
        backEnds,
        behaviour: override?.answer ? 'override' : handler ? 'script' : 'example',
        calls: this.counts.get(m.key) ?? 0,
      };
      if (handler) op.script = { file: handler.file, key: handler.key };
      if (override) op.override = override;
      operations.push(op);
    }
    return { operations, scripts: this.scripts.scripts(), problems: this.problems() };
  }

  problems(): Diagnostic[] {
    return this.scripts.problems((key) => this.whyUnknown(key));
  }

  /** Sets or (null) removes the override of an operation named by any interface that has it; saved at once. */
  async setOverride(iface: string, method: string, override: MockOverride | null): Promise<MocksState> {
    const resolved = resolveOperation(this.project.model, iface, method);
    if (!resolved) throw new ConsoleError('not-found', `${iface}.${method} is not an operation of the project's IDL`);
    const { op, owner } = resolved;
    const key = `${owner.qname}.${op.name}`;
    if (override?.answer?.kind === 'result') {
      try {
        this.codec.encodeResult(op, override.answer.value);
      } catch (error) {
        if (error instanceof CodecError)
          throw new ConsoleError(
            'invalid-params',
            `the override of ${key} does not fit its return type: ${error.message}`,
          );
        throw error;
      }
    }
    const next = { ...this.overrides };
    if (override && (override.answer || override.delayMs)) next[key] = override;
    else delete next[key];
    await this.options.overrides.save(next);
    this.overrides = next;
    this.changed();
    return this.state();
  }

  /**
   * Answers one call of `op` for back end `backEnd` (whose interfaces `carriers` carry it):
   * writes the encoded result and resolves with what produced it, or throws a MockErrorAnswer.
   */
  async serve(
    backEnd: string,
    op: MockedOperation,
    carriers: readonly string[],
    ctx: CallContext,
    result: ByteWriter,
  ): Promise<MockSource> {
    this.counts.set(op.key, (this.counts.get(op.key) ?? 0) + 1);
    this.changed();
    let args: Record<string, unknown>;
    try {
      args = this.codec.decodeParams(op.op, ctx.message.params);
    } catch (error) {
      this.logCall(backEnd, op, ctx, undefined, `error 6: its parameters do not decode (${messageOf(error)})`);
      throw new MockErrorAnswer(ErrorCode.REMOTEMETHOD_EXCEPTION, messageOf(error), 'example');
    }
    const override = this.overrides[op.key];
    if (override?.delayMs) await this.sleep(override.delayMs);
    if (override?.answer?.kind === 'error') {
      const { code, reason } = override.answer;
      this.logCall(backEnd, op, ctx, args, `error ${code} (override${reason ? `: ${reason}` : ''})`);
      throw new MockErrorAnswer(code, reason ?? 'override', 'override');
    }
    if (override?.answer?.kind === 'result')
      return this.encode(backEnd, op, ctx, args, override.answer.value, result, 'override');
    const handler = this.scripts.handlerFor(handlerKeys(op, carriers));
    if (!handler) return this.encode(backEnd, op, ctx, args, this.example(op), result, 'example');
    const where = `script ${handler.file}`;
    const route: CallRoute = { backEnd, endpoint: ctx.extra[ExtraKey.mqReturn], userId: ctx.userId };
    // ctx.extra as it is: posting it to the worker copies it.
    const answer: ScriptAnswer = await this.scripts.call(handler, args, ctx.extra, ctx.userId, route);
    switch (answer.kind) {
      case 'value':
        return this.encode(backEnd, op, ctx, args, answer.value, result, 'script', where);
      case 'fail':
        this.logCall(
          backEnd,
          op,
          ctx,
          args,
          `error ${answer.code} (${where}: ctx.fail${answer.reason ? `: ${answer.reason}` : ''})`,
        );
        throw new MockErrorAnswer(answer.code, answer.reason ?? 'ctx.fail', 'script');
      case 'threw':
        this.logCall(backEnd, op, ctx, args, `error 6 (${where} threw: ${answer.message})`);
        throw new MockErrorAnswer(ErrorCode.REMOTEMETHOD_EXCEPTION, answer.message, 'script');
      case 'timeout':
        this.logCall(backEnd, op, ctx, args, `error 6 (${where}: no answer within ${answer.ms} ms)`);
        throw new MockErrorAnswer(
          ErrorCode.REMOTEMETHOD_EXCEPTION,
          `the handler did not answer within ${answer.ms} ms`,
          'script',
        );
    }
  }

  /** Ends override delays and ctx.delay() at once: calls sleeping in them answer now. */
  wake(): void {
    for (const wake of [...this.sleepers]) wake();
    this.scripts.wake();
  }

  async close(): Promise<void> {
    clearTimeout(this.changeTimer);
    this.listeners.clear();
    this.watcher?.close();
    this.wake();
    await this.scripts.close();
  }

  private encode(
    backEnd: string,
    op: MockedOperation,
    ctx: CallContext,
    args: Record<string, unknown>,
    value: unknown,
    result: ByteWriter,
    source: MockSource,
    where: string = source,
  ): MockSource {
    try {
      this.codec.codecFor(op.op.returns).encode(value, result, 'result');
    } catch (error) {
      const why = messageOf(error);
      this.logCall(
        backEnd,
        op,
        ctx,
        args,
        `error 6: the ${where} answer does not fit the declared type of ${op.key}: ${why}`,
      );
      throw new MockErrorAnswer(ErrorCode.REMOTEMETHOD_EXCEPTION, why, source);
    }
    this.logCall(backEnd, op, ctx, args, `${op.op.returns.kind === 'void' ? 'done' : short(value)} (${where})`);
    return source;
  }

  private example(op: MockedOperation): JsonValue {
    let value = this.examples.get(op.key);
    if (value === undefined) this.examples.set(op.key, (value = exampleValue(this.project.model, op.op.returns)));
    return value;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(ms, MAX_DELAY_MS));
      this.sleepers.add(wake);
    });
  }

  /** ctx.push from a script: a one-way CALL through the gateway the call came from, as callbackTarget does for servants. */
  private scriptPush(push: ScriptPush): void {
    const writers = this.writers.get(push.route.backEnd);
    const where = `ctx.push(${push.name}) to user ${push.userId ?? '(none)'}`;
    if (!writers) return this.options.log('warn', `${where}: back end "${push.route.backEnd}" is not running`);
    if (push.route.endpoint === undefined)
      return this.options.log(
        'warn',
        `${where}: the call had no ${ExtraKey.mqReturn}, so there is no gateway to push through`,
      );
    try {
      pushTarget(writers, push.route.endpoint, push.userId).send({
        ifidx: push.ifidx,
        opidx: push.opidx,
        paramsize: push.paramsize,
        params: push.params,
        mode: 'oneway',
        extra: push.extra,
      });
      this.options.log(
        'info',
        `${push.route.backEnd}: pushed ${push.name} to user ${push.userId ?? '(none)'} via ${push.route.endpoint}`,
      );
    } catch (error) {
      this.options.log('warn', `${where}: ${messageOf(error)}`);
    }
  }

  private whyUnknown(key: string): string | undefined {
    const dot = key.lastIndexOf('.');
    const iface = key.slice(0, dot);
    const name = key.slice(dot + 1);
    const served = [...this.catalogNow.operations.values()].some(
      (m) => m.op.name === name && m.carriers.includes(iface),
    );
    if (served) return undefined;
    if (!resolveOperation(this.project.model, iface, name))
      return `names no operation of the project's IDL (expected module.Interface.operation)`;
    if (this.clients.has(iface)) return `${iface} is implemented by clients: no back end answers it`;
    return `no mock back end serves ${iface} (no services.xml route sends its calls to a queue a config.yml section reads)`;
  }

  private async loadOverrides(): Promise<void> {
    try {
      this.overrides = await this.options.overrides.load();
    } catch (error) {
      this.options.log('warn', `mock overrides: ${messageOf(error)}`);
    }
  }

  private filesChanged(paths: Set<string>): void {
    // A folder may have appeared (mocks/, .tce-console/): watch it from now on.
    this.watchFolders();
    if ([...paths].some((p) => p === this.scripts.folder || dirname(p) === this.scripts.folder))
      void this.scripts.reload();
    const file = this.options.overrides.file;
    if (paths.has(file) || paths.has(dirname(file))) void this.loadOverrides().then(() => this.changed());
  }

  private watchFolders(): void {
    const folders = [this.options.root, this.scripts.folder, dirname(this.options.overrides.file)].filter((f) =>
      existsSync(f),
    );
    this.watcher?.set(folders);
  }

  private changed(): void {
    if (this.changeTimer || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastChange + CHANGE_INTERVAL_MS - Date.now());
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.lastChange = Date.now();
      const state = this.state();
      for (const listener of this.listeners) listener(state);
    }, wait);
    this.changeTimer.unref();
  }

  /** One line per answered call: `server: test.Server.echo {"text":"hi"} user=1 → "Yah! hi" (script mocks/sample.mjs)`. */
  private logCall(
    backEnd: string,
    op: MockedOperation,
    ctx: CallContext,
    args: Record<string, unknown> | undefined,
    outcome: string,
  ): void {
    const oneway = (ctx.message.calltype & CallType.ONEWAY) !== 0 ? ' one-way' : '';
    this.options.log(
      'info',
      `${backEnd}: ${op.key} ${args === undefined ? '(undecodable)' : short(args)}${oneway} user=${ctx.userId ?? '-'} → ${outcome}`,
    );
  }
}

/** Handler keys for an operation, the declaring interface's first: `test.BaseServer.datetime`, then `test.Server.datetime`. */
export function handlerKeys(op: MockedOperation, carriers: readonly string[]): string[] {
  return [op.owner.qname, ...carriers.filter((c) => c !== op.owner.qname)].map((c) => `${c}.${op.op.name}`);
}

function short(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(toJsonValue(value)) ?? 'null';
  } catch {
    text = String(value);
  }
  return text.length > LOG_VALUE_CHARS ? `${text.slice(0, LOG_VALUE_CHARS)}…` : text;
}
