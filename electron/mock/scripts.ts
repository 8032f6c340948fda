import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MockScript } from '../../shared/console-api/types.js';
import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import type { IdlModel } from '../../shared/idl/model.js';
import { positionsOf } from '../../shared/idl/positions.js';
import type { Extra } from '../../shared/wire/message.js';
import { ProjectFolder } from '../host/project-folder.js';
import type { CallRoute, FromWorker, HandlerOutcome, LoadedScript, ToWorker } from './worker-protocol.js';
import { messageOf } from '../../shared/message-of.js';
import type { LogLevel } from '../../shared/log.js';

/** What a handler call came to: its outcome, or no answer within its time. */
export type ScriptAnswer = HandlerOutcome | { kind: 'timeout'; ms: number };

export type ScriptPush = Extract<FromWorker, { type: 'push' }>;

export interface MockScriptsOptions {
  /** The project folder: scripts are `<root>/mocks/*.mjs`, named relative to it. */
  root: string;
  /** A handler's own time per call; each ctx.delay(ms) adds ms. */
  handlerTimeoutMs: number;
  log(level: LogLevel, message: string): void;
  /** Scripts were (re)loaded, or the worker was lost. */
  changed(): void;
  push(push: ScriptPush): void;
}

/** How long a worker has to answer a ping after a handler overran before it counts as blocked. */
const PING_MS = 1_000;

interface PendingCall {
  resolve(answer: ScriptAnswer): void;
  deadline: number;
  /** Its own timer once ctx.delay moved its deadline; until then the shared deadline timer watches it. */
  timer: NodeJS.Timeout | undefined;
}

/** A handler of a loaded script. */
export interface ScriptHandler {
  path: string;
  key: string;
  /** The script's name relative to the project folder, as logs and the console show it. */
  file: string;
}

/**
 * The project's mock scripts, run in one worker thread (README.md says why): found in
 * `<root>/mocks/*.mjs`, loaded in name order, reloaded on request, each call bounded by a
 * deadline. A worker that stops answering (a handler in an endless loop) is terminated and
 * started afresh; a crash fails the calls it was running and nothing else.
 */
export class MockScripts {
  readonly folder: string;
  private worker: Worker | undefined;
  private model: IdlModel;
  private loaded: LoadedScript[] = [];
  private texts = new Map<string, string>();
  /** Where `node --check` places a syntax error (import() does not say). */
  private syntaxPlaces = new Map<string, { line: number; column: number }>();
  /** key → the first script (in name order) that handles it. */
  private handlers = new Map<string, ScriptHandler>();
  /** In call order, which is deadline order for the calls without a timer of their own. */
  private readonly pending = new Map<number, PendingCall>();
  /**
   * One timer for the deadlines of every call (a timer per call was an object, a closure and an
   * async id per call, held as long as the call): armed for the earliest, it settles what has
   * overrun and re-arms for the next.
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private loadCount = 0;
  private loadWaiter: ((scripts: LoadedScript[] | string) => void) | undefined;
  private loading: Promise<void> = Promise.resolve();
  /** Set when loading stopped the worker: no restart until the files change. */
  private loadCrashed: string | undefined;
  private probing = false;
  private closed = false;

  constructor(
    private readonly options: MockScriptsOptions,
    model: IdlModel,
  ) {
    this.folder = join(options.root, 'mocks');
    this.model = model;
  }

  /** Scans the folder again and loads every script afresh (serialized; state kept). */
  reload(): Promise<void> {
    this.loading = this.loading.then(() => this.loadNow());
    return this.loading;
  }

  setModel(model: IdlModel): void {
    this.model = model;
    this.send({ type: 'model', model });
  }

  /** The handler for the first of these keys that a script defines. */
  handlerFor(keys: readonly string[]): ScriptHandler | undefined {
    for (const key of keys) {
      const found = this.handlers.get(key);
      if (found) return found;
    }
    return undefined;
  }

  /** Runs a handler; never rejects. */
  call(
    handler: ScriptHandler,
    args: Record<string, unknown>,
    extra: Extra,
    userId: string | undefined,
    route: CallRoute,
  ): Promise<ScriptAnswer> {
    const worker = this.worker;
    if (!worker)
      return Promise.resolve({ kind: 'threw', message: 'the script worker is not running (it is being restarted)' });
    const id = this.nextId++;
    const ms = this.options.handlerTimeoutMs;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, deadline: Date.now() + ms, timer: undefined });
      this.deadlineTimer ??= setTimeout(this.checkDeadlines, ms);
      try {
        worker.postMessage({
          type: 'call',
          id,
          path: handler.path,
          key: handler.key,
          args,
          extra,
          userId,
          route,
        } satisfies ToWorker);
      } catch (error) {
        this.settle(id, {
          kind: 'threw',
          message: `its arguments cannot be passed to the script: ${messageOf(error)}`,
        });
      }
    });
  }

  /** The scripts found, for the console. */
  scripts(): MockScript[] {
    return this.loaded.map((s) => ({
      file: this.name(s.path),
      handlers: s.handlers.map((h) => h.key),
      loaded: s.error === undefined,
    }));
  }

  /**
   * Scripts that do not load, values that are not handlers, keys handled twice, and keys
   * `isKnown` does not recognise (it returns why), each at its file:line:col.
   */
  problems(isKnown: (key: string) => string | undefined): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const script of this.loaded) {
      const text = this.texts.get(script.path) ?? '';
      const at = (
        needle: string | undefined,
        severity: Diagnostic['severity'],
        code: string,
        message: string,
      ): void => {
        const index = needle === undefined ? -1 : text.indexOf(needle);
        const positions = positionsOf({ path: script.path, text });
        out.push({
          severity,
          code,
          message,
          range: index < 0 ? positions.range(0, 0) : positions.range(index, index + needle!.length),
        });
      };
      if (this.loadCrashed !== undefined)
        at(undefined, 'error', 'mock-script', `${this.name(script.path)}: ${this.loadCrashed}`);
      if (script.error) {
        const place =
          script.error.line === undefined
            ? this.syntaxPlaces.get(script.path)
            : { line: script.error.line, column: script.error.column ?? 1 };
        const message = `${this.name(script.path)} does not load: ${script.error.name}: ${script.error.message}`;
        if (!place) at(undefined, 'error', 'mock-script', message);
        else {
          const offset = offsetOf(text, place.line, place.column);
          out.push({
            severity: 'error',
            code: 'mock-script',
            message,
            range: positionsOf({ path: script.path, text }).range(offset, offset),
          });
        }
        continue;
      }
      for (const bad of script.invalid) at(lastSegment(bad.key), 'error', 'mock-handler', `${bad.key} ${bad.why}`);
      for (const h of script.handlers) {
        const why = isKnown(h.key);
        const needle = h.writtenAs === h.key ? h.key : lastSegment(h.key);
        if (why !== undefined) at(needle, 'warning', 'mock-unknown-operation', `${h.key}: ${why}`);
        const winner = this.handlers.get(h.key);
        if (winner && winner.path !== script.path)
          at(
            needle,
            'warning',
            'mock-duplicate-handler',
            `${h.key} is also handled in ${this.name(winner.path)}, which is used (scripts load in name order)`,
          );
      }
    }
    return out;
  }

  /** Ends every ctx.delay() at once: sleeping calls answer now (closing). */
  wake(): void {
    this.send({ type: 'wake' });
  }

  /** Stops the worker; calls still running get an error. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('the mock engine is closing');
    await worker?.terminate();
  }

  private async loadNow(): Promise<void> {
    if (this.closed) return;
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => n.endsWith('.mjs')).sort();
    } catch {
      names = [];
    }
    // A script is code the console runs: one that leads outside the project (a symbolic link to
    // elsewhere) is refused like any other file of the project that does, and listed as a problem.
    const refused: LoadedScript[] = [];
    const paths = names
      .map((n) => join(this.folder, n))
      .filter((path) => {
        const outside = this.outsideProject(path);
        if (outside) refused.push({ path, handlers: [], invalid: [], error: { name: 'Error', message: outside } });
        return !outside;
      });
    for (const script of refused)
      this.options.log('error', `${this.name(script.path)} is not loaded: ${script.error!.message}`);
    this.texts = new Map(
      await Promise.all(paths.map(async (p) => [p, await readFile(p, 'utf8').catch(() => '')] as const)),
    );
    this.loadCrashed = undefined;
    if (paths.length === 0) {
      this.loaded = refused;
      this.handlers.clear();
      const worker = this.worker;
      this.worker = undefined;
      this.failAll('the mock scripts were removed');
      await worker?.terminate();
      this.options.changed();
      return;
    }
    let worker: Worker;
    try {
      worker = this.worker ?? this.spawn();
    } catch (error) {
      return this.loadFailed(paths, `the mock script worker cannot start: ${messageOf(error)}`);
    }
    const version = String(++this.loadCount);
    const result = await new Promise<LoadedScript[] | string>((resolve) => {
      this.loadWaiter = resolve;
      worker.postMessage({ type: 'load', files: paths.map((path) => ({ path, version })) } satisfies ToWorker);
    });
    this.loadWaiter = undefined;
    if (typeof result === 'string')
      return this.loadFailed(
        paths,
        `loading the mock scripts stopped their worker (${result}); fix the script and save it to try again`,
      );
    // Placed before anything changes: problems are never seen without their place.
    const syntaxPlaces = new Map<string, { line: number; column: number }>();
    for (const script of result) {
      if (script.error?.name === 'SyntaxError' && script.error.line === undefined) {
        const place = await syntaxErrorPlace(script.path);
        if (place) syntaxPlaces.set(script.path, place);
      }
    }
    this.syntaxPlaces = syntaxPlaces;
    this.loaded = [...result, ...refused];
    this.handlers.clear();
    for (const script of result)
      for (const h of script.handlers)
        if (!this.handlers.has(h.key))
          this.handlers.set(h.key, { path: script.path, key: h.key, file: this.name(script.path) });
    for (const script of result)
      if (script.error) this.options.log('error', `${this.name(script.path)} does not load: ${script.error.message}`);
    this.options.changed();
  }

  /** Why `path` may not be loaded, if it leads outside the project folder. */
  private outsideProject(path: string): string | undefined {
    try {
      new ProjectFolder(this.options.root).contain(path);
      return undefined;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** No script could be loaded: every file gets the reason as its problem until the files change. */
  private loadFailed(paths: string[], why: string): void {
    this.loadCrashed = why;
    this.loaded = paths.map((path) => ({ path, handlers: [], invalid: [] }));
    this.handlers.clear();
    this.options.log('error', why);
    this.options.changed();
  }

  private spawn(): Worker {
    const worker = new Worker(workerFile());
    worker.unref();
    worker.on('message', (message: FromWorker) => this.received(worker, message));
    worker.on('error', (error) => this.lost(worker, `a script crashed it: ${error.message}`));
    worker.on('exit', (code) => this.lost(worker, `it exited with code ${code}`));
    this.worker = worker;
    worker.postMessage({ type: 'model', model: this.model } satisfies ToWorker);
    return worker;
  }

  private received(worker: Worker, message: FromWorker): void {
    if (worker !== this.worker) return;
    switch (message.type) {
      case 'loaded':
        this.loadWaiter?.(message.scripts);
        break;
      case 'done':
        this.settle(message.id, message.outcome);
        break;
      case 'delay': {
        const call = this.pending.get(message.id);
        if (!call) break;
        clearTimeout(call.timer);
        call.deadline += message.ms;
        call.timer = setTimeout(() => this.overran(message.id), Math.max(0, call.deadline - Date.now()));
        break;
      }
      case 'push':
        this.options.push(message);
        break;
      case 'pong':
        this.probing = false;
        break;
      case 'log':
        this.options.log('warn', message.line);
        break;
    }
  }

  /** Settles the calls watched by the shared timer whose deadline has passed; re-arms for the next. */
  private readonly checkDeadlines = (): void => {
    this.deadlineTimer = undefined;
    const now = Date.now();
    for (const [id, call] of this.pending) {
      if (call.timer) continue;
      if (call.deadline > now) {
        this.deadlineTimer = setTimeout(this.checkDeadlines, call.deadline - now);
        return;
      }
      this.overran(id);
    }
  };

  /** A handler ran past its deadline: its caller gets an error now; the worker must still answer a ping. */
  private overran(id: number): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.settle(id, { kind: 'timeout', ms: this.options.handlerTimeoutMs });
    const worker = this.worker;
    if (!worker || this.probing) return;
    this.probing = true;
    worker.postMessage({ type: 'ping', id } satisfies ToWorker);
    setTimeout(() => {
      if (!this.probing || this.worker !== worker) return;
      this.probing = false;
      this.options.log(
        'error',
        `a mock handler blocks the script worker (an endless loop?): it is restarted, and the scripts' state starts empty`,
      );
      void worker.terminate();
    }, PING_MS).unref();
  }

  private settle(id: number, answer: ScriptAnswer): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    if (this.pending.size === 0) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
    }
    call.resolve(answer);
  }

  private failAll(why: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'threw', message: why });
  }

  /** The worker stopped: its calls fail; it is started again unless loading is what stopped it. */
  private lost(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.probing = false;
    this.failAll(`the script worker stopped: ${why}`);
    if (this.loadWaiter) {
      this.loadWaiter(why);
      return;
    }
    if (this.closed) return;
    this.options.log('warn', `the mock script worker stopped (${why}); starting it again`);
    void this.reload();
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private name(path: string): string {
    return relative(this.options.root, path);
  }
}

/** The built worker beside this module, or (running from TypeScript sources, as tests do) the build's copy. */
function workerFile(): URL {
  const sibling = new URL('./script-worker.js', import.meta.url);
  if (existsSync(sibling)) return sibling;
  const built = new URL('../../dist/electron/mock/script-worker.js', import.meta.url);
  if (existsSync(built)) return built;
  throw new Error(`the mock script worker is not built (${fileURLToPath(built)} is missing): run npm run build`);
}

/** `node --check` says where a syntax error is; import() does not. */
function syntaxErrorPlace(path: string): Promise<{ line: number; column: number } | undefined> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--check', path],
      { timeout: 10_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
      (_error, _stdout, stderr) => {
        const lines = String(stderr).split('\n');
        const head = /:(\d+)$/.exec(lines[0] ?? '');
        if (!head) return resolve(undefined);
        const caret = (lines[2] ?? '').indexOf('^');
        resolve({ line: Number(head[1]), column: caret < 0 ? 1 : caret + 1 });
      },
    );
  });
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

const lastSegment = (key: string): string => key.slice(key.lastIndexOf('.') + 1);
