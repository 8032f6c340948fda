import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  ConsoleError,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/console-api/api.js';
import type { IpcReply } from '../../shared/console-api/channels.js';
import type {
  FeedBatch,
  FeedEntry,
  InvokeResult,
  SandboxClient,
  SandboxState,
  TargetSpec,
} from '../../shared/console-api/types.js';
import { checkCall } from '../../shared/console-api/validate.js';
import type { MockEngine } from '../mock/engine.js';
import { attachMethods } from './attach-methods.js';
import type { Attachments } from '../capture/attachments.js';
import { ConnectionManager } from './connections/manager.js';
import { ConsolePusher } from './console-push.js';
import { messageOf } from './errors.js';
import { LogLimiter, type LogLevel } from './log-limiter.js';
import { FeedPayloads } from '../../shared/console-api/feed-decode.js';
import { FeedQueryError } from '../../shared/console-api/feed-query.js';
import { rawBytes } from './feed/entry.js';
import { Feed, type FeedOptions } from './feed/feed.js';
import { fromNdjson, toNdjson } from '../../shared/console-api/feed-ndjson.js';
import type { FeedSubscriber } from './feed/subscriber.js';
import { readText, removeStaleSaveFiles, writeText } from './file-store.js';
import { browseFolders } from './folder-browser.js';
import { invoke } from './invoker.js';
import { packageRoot, packageVersion } from './package-info.js';
import { openProjectMocks } from './project-mocks.js';
import { ProjectSession } from './project-session.js';
import { startSandbox, type RunningSandbox } from './sandbox.js';
import { defaultConfigDir, UserConfig } from './user-config.js';
import { expand, expandJson, expandRecord, type Lookup } from './variables.js';
import { FolderWatcher } from './watch.js';
import { Workspace } from './workspace.js';
import { trace, type Log } from '../../shared/log.js';
import type { RunBackend } from '../runner/backend.js';
import { Runs } from '../runner/runs.js';

export interface ConsoleHostOptions {
  /** Which bridge serves this host (app.info). */
  mode: 'electron' | 'web';
  feed?: FeedOptions;
  /** Where recent projects and secrets live. Default `$XDG_CONFIG_HOME/tce-console`. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Log lines also go here (the CLI prints them). */
  log?: (level: LogLevel, message: string) => void;
  /** The platform's folder chooser (the Electron shell's native dialog); the chosen folder or null. */
  pickFolder?: () => Promise<string | null>;
}

/** Where one bridge session's events go. */
export interface SessionSink {
  event<E extends EventName>(event: E, payload: ConsoleEvents[E]): void;
  /** True while the bridge cannot take more: feed batches wait (and count drops) meanwhile. */
  backedUp(): boolean;
}

/** One renderer attached through a bridge: its calls, its events, its feed subscription. */
export interface HostSession {
  /** Validates and runs one call; never rejects: failures come back as `{ ok: false, error }`. */
  call(method: unknown, params: unknown): Promise<IpcReply>;
  close(): void;
}

interface Session {
  sink: SessionSink;
  subscriber: FeedSubscriber | undefined;
}

type Handlers = {
  [M in MethodName]: (params: MethodParams<M>, session: Session) => Promise<MethodResult<M>> | MethodResult<M>;
};

/**
 * The console host: everything the desktop app does, behind the one contract of
 * shared/console-api, independent of the bridge that carries it. One host serves any number
 * of bridge sessions (browser tabs, a window); they share the project, connections, feed and
 * sandbox, and each has its own feed subscription.
 */
export class ConsoleHost {
  readonly feed: Feed;
  private readonly options: ConsoleHostOptions;
  private readonly env: NodeJS.ProcessEnv;
  private readonly user: UserConfig;
  private readonly sessions = new Set<Session>();
  private readonly connections: ConnectionManager;
  private project: ProjectSession | undefined;
  private workspace: Workspace | undefined;
  private sandbox: RunningSandbox | undefined;
  private pusher: ConsolePusher | undefined;
  private mocks: MockEngine | undefined;
  private sandboxState: SandboxState = { state: 'stopped' };
  /** Sandbox starts so far: each start numbers the gateways' users from 1 again. */
  private sandboxRuns = 0;
  /** Decodes feed payloads against the open project's model (details, exports, free-text filters). */
  private payloads = new FeedPayloads(undefined, rawBytes);
  /** Calls in flight that `invoke.cancel` can stop, by the renderer's call id. */
  private readonly cancels = new Map<string, AbortController>();
  /** `.tce-console/` of the open project: `environments.json` edited on disk reaches every window. */
  private workspaceWatch: FolderWatcher | undefined;
  /** Project and sandbox changes run one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  private readonly handlers: Handlers;
  private readonly runs = new Runs((event) => this.broadcast('runs.event', event));
  private readonly attachments: Attachments;
  private readonly logLimiter = new LogLimiter((level, message) => {
    this.options.log?.(level, message);
    // The log panel has no trace level: a traced line (TCE_TRACE) shows as info.
    this.broadcast('log', { level: level === 'trace' ? 'info' : level, message, time: Date.now() });
  });

  constructor(options: ConsoleHostOptions) {
    this.options = options;
    this.env = options.env ?? process.env;
    this.feed = new Feed(options.feed);
    this.user = new UserConfig(options.configDir ?? defaultConfigDir(this.env));
    this.connections = new ConnectionManager({
      feed: this.feed,
      changed: (link) => this.broadcast('connection.state', link.info()),
      log: (level, message) => this.log(level, message),
      services: () => this.project?.services,
      model: () => this.project && { model: this.project.model, codec: this.project.codec },
      sandbox: () => this.sandbox?.view,
    });
    const attach = attachMethods({
      feed: this.feed,
      env: this.env,
      project: () => this.project,
      sandbox: () => this.sandbox?.view,
      expandTarget: (target) => this.expandTarget(target, this.variables()),
      log: (level, message) => this.log(level, message),
      changed: (infos) => this.broadcast('attach.state', infos),
    });
    this.attachments = attach.attachments;
    this.handlers = { ...this.methods(), ...attach.handlers };
  }

  /** Attaches a bridge session. */
  connect(sink: SessionSink): HostSession {
    const session: Session = { sink, subscriber: undefined };
    this.sessions.add(session);
    return {
      call: (method, params) => this.call(session, method, params),
      close: () => {
        if (session.subscriber) this.feed.unsubscribe(session.subscriber);
        this.sessions.delete(session);
      },
    };
  }

  /** Runs a method for the host's own use (the CLI opening a project, the shell's menu). */
  async run<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const reply = await this.call(
      { sink: { event: () => {}, backedUp: () => false }, subscriber: undefined },
      method,
      params,
    );
    if (!reply.ok) throw new ConsoleError(reply.error.code, reply.error.message);
    return reply.result as MethodResult<M>;
  }

  /** Stops the sandbox, closes connections and the project. */
  async close(): Promise<void> {
    for (const s of this.sessions) if (s.subscriber) this.feed.unsubscribe(s.subscriber);
    this.sessions.clear();
    await this.runs.close();
    await this.attachments.stopAll();
    await this.exclusive(async () => {
      await this.stopSandbox();
      await this.connections.closeAll();
      this.project?.close();
      this.workspaceWatch?.close();
      await this.mocks?.close();
      this.mocks = undefined;
      this.project = undefined;
    });
  }

  private async call(session: Session, method: unknown, params: unknown): Promise<IpcReply> {
    const checked = checkCall(method, params);
    trace(this.log, 'host', () => `call ${String(method)}${checked.ok ? '' : `: ${checked.error.message}`}`);
    if (!checked.ok) return { ok: false, error: checked.error };
    try {
      const handler = this.handlers[checked.method] as (p: unknown, s: Session) => Promise<unknown>;
      return { ok: true, result: await handler(checked.params, session) };
    } catch (error) {
      if (error instanceof ConsoleError) return { ok: false, error: error.toData() };
      this.log('error', `${checked.method} failed: ${messageOf(error)}`);
      return { ok: false, error: { code: 'internal', message: `${checked.method} failed: ${messageOf(error)}` } };
    }
  }

  private methods(): Omit<Handlers, `attach.${string}`> {
    return {
      'app.info': async () => ({
        mode: this.options.mode,
        version: packageVersion(),
        platform: process.platform,
        recentProjects: await this.user.recentProjects(),
        // Electron's own binary is no Node: a copied command starts tce-call with the `node` on the PATH.
        tceCall: [
          this.options.mode === 'web' ? process.execPath : 'node',
          join(packageRoot(), 'dist/electron/cli/tce-call.js'),
        ],
      }),

      'project.open': ({ path }) => this.exclusive(() => this.openProject(path)),
      'project.current': () => this.project?.snapshot() ?? null,
      'project.browse': ({ path }) => browseFolders(path),
      'project.pickFolder': async () => {
        const pick = this.options.pickFolder;
        return pick ? { supported: true, path: await pick() } : { supported: false, path: null };
      },
      'project.close': () => this.exclusive(() => this.closeProject()).then(() => null),
      'project.compile': ({ overrides }) => this.needProject().compile(overrides),

      'file.read': ({ path }) => readText(this.needProject().resolve(path)),
      'file.write': async ({ path, text, baseVersion }) => {
        const project = this.needProject();
        const saved = await writeText(project.resolve(path), text, baseVersion);
        project.noteWritten(saved.path, saved.version);
        return saved;
      },

      'connection.open': async (params) => {
        const lookup = this.variables();
        const target = await this.expandTarget(params.target, lookup);
        const token = params.token === undefined ? undefined : await expand(params.token, lookup);
        return (await this.connections.open({ ...params, target, token })).info();
      },
      'connection.close': async ({ id }) => {
        await this.connections.close(id);
        return null;
      },
      'connection.list': () => this.connections.list(),

      invoke: async (request) => {
        const result = await this.invoke(request, this.variables());
        void this.workspace
          ?.addHistory({ time: Date.now(), request, result })
          .catch((e: unknown) => this.log('warn', `history: ${messageOf(e)}`));
        return result;
      },
      'invoke.cancel': ({ callId }) => {
        const cancel = this.cancels.get(callId);
        cancel?.abort();
        return { cancelled: cancel !== undefined };
      },

      'feed.subscribe': ({ afterId }, session) => {
        if (session.subscriber) this.feed.unsubscribe(session.subscriber);
        session.subscriber = this.feed.subscribe(
          {
            deliver: (batch: FeedBatch) => session.sink.event('feed.batch', batch),
            backedUp: () => session.sink.backedUp(),
          },
          afterId ?? 0,
        );
        return this.feed.stats(session.subscriber);
      },
      'feed.unsubscribe': (_, session) => {
        if (session.subscriber) this.feed.unsubscribe(session.subscriber);
        session.subscriber = undefined;
        return null;
      },
      'feed.pause': (_, session) => {
        this.subscriberOf(session).pause();
        return this.feed.stats(session.subscriber);
      },
      'feed.resume': (_, session) => {
        this.subscriberOf(session).resume();
        return this.feed.stats(session.subscriber);
      },
      'feed.query': ({ afterId, limit, filter }, session) => ({
        entries: withQuery(() => this.feed.query(afterId ?? 0, limit, filter, this.searchText)),
        stats: this.feed.stats(session.subscriber),
      }),
      'feed.decode': ({ id }) => this.payloads.decode(this.entry(id)),
      'feed.related': ({ id }) => this.feed.related(this.entry(id).id),
      'feed.clear': (_, session) => {
        this.feed.clear();
        return this.feed.stats(session.subscriber);
      },
      'feed.export': ({ ids, filter }) => {
        const entries = withQuery(() => this.feed.select(ids, filter, this.searchText));
        return { ndjson: toNdjson(entries, (e) => this.payloads.decode(e)), count: entries.length };
      },
      'feed.import': ({ ndjson }) => {
        let entries;
        try {
          entries = fromNdjson(ndjson);
        } catch (error) {
          throw new ConsoleError('invalid-params', `feed.import: ${messageOf(error)}`);
        }
        // The file's decoded payloads are the exporter's view; this host decodes with its own IDL.
        return { count: this.feed.restore(entries.map(({ decoded: _decoded, ...entry }) => entry)) };
      },
      'feed.stats': (_, session) => this.feed.stats(session.subscriber),

      'sandbox.start': (params) => this.exclusive(() => this.startSandbox(params)),
      'sandbox.stop': () => this.exclusive(() => this.stopSandbox()),
      'sandbox.state': () => this.sandboxState,
      'sandbox.clients': () => this.sandboxClients(),

      'mocks.state': () => this.needMocks().state(),
      'mocks.setOverride': ({ interface: iface, method, override }) =>
        this.needMocks().setOverride(iface, method, override),

      'push.send': (request) => {
        const project = this.needProject();
        if (!this.sandbox || !this.pusher || !project.services)
          throw new ConsoleError('invalid-params', 'pushes from the console go through the sandbox: start it first');
        return this.pusher.send(request, {
          services: project.services,
          model: project.model,
          codec: project.codec,
          clients: this.sandbox.clients(),
        });
      },

      'workspace.state': () => this.needWorkspace().state(),
      'workspace.setEnvironments': async ({ environments, activeEnvironment }) => {
        const workspace = this.needWorkspace();
        const state = await workspace.setEnvironments(environments, activeEnvironment);
        this.watchWorkspace(workspace);
        return state;
      },
      'workspace.savedCalls': () => this.needWorkspace().savedCalls(),
      'workspace.saveCall': ({ call }) => this.needWorkspace().saveCall(call),
      'workspace.deleteCall': ({ name }) => this.needWorkspace().deleteCall(name),
      'workspace.renameCall': ({ from, to }) => this.needWorkspace().renameCall(from, to),
      'workspace.duplicateCall': ({ name, newName }) => this.needWorkspace().duplicateCall(name, newName),
      'workspace.history': ({ limit }) => this.needWorkspace().recentHistory(limit),
      'workspace.tabs': () => this.needWorkspace().tabs(),
      'workspace.setTabs': async (tabs) => {
        await this.needWorkspace().setTabs(tabs);
        return null;
      },
      'workspace.secretNames': () => this.user.secretNames(this.needProject().root),
      'workspace.setSecret': async ({ name, value }) => {
        await this.user.setSecret(this.needProject().root, name, value);
        return null;
      },

      'runs.start': (request) => this.runs.start(this.runBackend({ environment: request.environment }), request),
      'runs.load': (request) => this.runs.load(this.runBackend({ environment: request.environment }), request),
      'runs.cancel': ({ runId }) => {
        this.runs.cancel(runId);
        return null;
      },
    };
  }

  /**
   * What collection and load runs call through (the Run view and tce-run alike): the open
   * project's saved calls, `{{name}}` from the chosen environment (else the active one) and then
   * the secrets — the user's stored ones, or `secret` instead (tce-run reads the process
   * environment) — calls tagged in the feed, and the pushes the console's connections receive.
   */
  runBackend(options: { environment?: string; secret?: (name: string) => string | undefined } = {}): RunBackend {
    const workspace = this.needWorkspace();
    const root = this.needProject().root;
    const variables = workspace.state().then((s) => {
      const name = options.environment ?? s.activeEnvironment;
      const found = s.environments.find((e) => e.name === name);
      if (options.environment !== undefined && !found)
        throw new ConsoleError(
          'not-found',
          `no environment named "${options.environment}" (there are: ${s.environments.map((e) => e.name).join(', ') || 'none'})`,
        );
      return found?.variables ?? {};
    });
    const secret = options.secret ?? ((name: string) => this.user.secret(root, name));
    return {
      savedCalls: async () => {
        await variables; // an unknown environment is reported before anything runs
        return workspace.savedCalls();
      },
      variable: async (name) => (await variables)[name] ?? (await secret(name)),
      invoke: (request, tag) =>
        this.invoke(
          request,
          () => Promise.resolve(undefined),
          (send) => this.feed.tagged(tag, send),
        ),
      watchPushes: (listener) =>
        this.feed.watch((entry) => {
          if (entry.hop !== 'console' || entry.direction !== 'in' || !entry.push) return;
          if (entry.kind !== 'call' && entry.kind !== 'oneway') return;
          if (entry.interface === undefined || entry.method === undefined) return;
          const decoded = this.payloads.decode(entry);
          listener({
            method: `${entry.interface}.${entry.method}`,
            args: decoded.ok && decoded.kind === 'params' ? decoded.value : null,
            at: performance.now(),
          });
        }),
    };
  }

  private async invoke(
    request: MethodParams<'invoke'>,
    lookup: Lookup,
    around?: <T>(send: () => T) => T,
  ): Promise<MethodResult<'invoke'>> {
    const project = this.needProject();
    const extra = await expandRecord(request.extra, lookup);
    const args = await expandJson(request.args, lookup);
    const target = request.target && (await this.expandTarget(request.target, lookup));
    let linkId: string | undefined;
    const link = () => {
      const chosen =
        request.connectionId !== undefined
          ? this.connections.get(request.connectionId)
          : this.connections.forTarget(target!);
      linkId = chosen.id;
      return chosen;
    };
    const feedAfterId = this.feed.stats().lastId ?? 0;
    const place = (): { connectionId?: string; feedAfterId: number } => ({ connectionId: linkId, feedAfterId });
    const cancel = new AbortController();
    const { callId } = request;
    if (callId !== undefined) this.cancels.set(callId, cancel);
    const late = (result: InvokeResult): void => {
      if (result.sequence !== undefined && linkId !== undefined) this.markLate(feedAfterId, linkId, result.sequence);
      if (callId !== undefined) this.broadcast('invoke.late', { callId, result: { ...result, ...place() } });
    };
    try {
      const result = await invoke({ ...request, args, extra }, project.model, project.codec, link, {
        signal: cancel.signal,
        late,
        ...(around ? { around } : {}),
      });
      return { ...result, ...place() };
    } finally {
      if (callId !== undefined) this.cancels.delete(callId);
    }
  }

  /** Opens the new project before closing the current one: a project that fails to open changes nothing. */
  private async openProject(path: string) {
    const project: ProjectSession = await ProjectSession.open(path, {
      changed: (snapshot, paths) => {
        if (this.project !== project) return;
        this.modelChanged();
        this.mocks?.setProject({ model: project.model, services: project.services, config: project.config });
        this.sandbox?.refresh();
        this.broadcast('project.changed', snapshot);
        const setup = [snapshot.files.servicesXml, snapshot.files.configYml].filter(
          (p) => p !== undefined && paths.includes(p),
        );
        if (this.sandbox && setup.length > 0)
          this.log('warn', `${setup.join(' and ')} changed: stop and start the sandbox to run with the change`);
      },
      fileChanged: (change) => {
        if (this.project === project) this.broadcast('file.changed', change);
      },
      log: (level, message) => this.log(level, message),
    });
    const workspace = new Workspace(project.folder, (level, message) => this.log(level, message));
    let mocks: MockEngine | undefined;
    try {
      mocks = await openProjectMocks(project, workspace, { log: (level, message) => this.log(level, message) });
      await this.closeProject();
    } catch (error) {
      await mocks?.close();
      project.close();
      throw error;
    }
    this.project = project;
    this.workspace = workspace;
    this.watchWorkspace(workspace);
    this.mocks = mocks;
    mocks.onChange((state) => this.broadcast('mocks.changed', state));
    const stale = await removeStaleSaveFiles([...project.folders(), ...workspace.folders()]);
    if (stale.length > 0) this.log('info', `removed what interrupted saves left: ${stale.join(', ')}`);
    this.modelChanged();
    await this.user
      .addRecentProject(project.root)
      .catch((e: unknown) => this.log('warn', `cannot remember recent projects: ${messageOf(e)}`));
    const snapshot = project.snapshot();
    this.broadcast('project.changed', snapshot);
    this.log(
      'info',
      `opened ${project.root}: ${Object.keys(snapshot.model.interfaces).length} interface(s), ${snapshot.diagnostics.length} diagnostic(s)`,
    );
    return snapshot;
  }

  private async closeProject(): Promise<void> {
    const project = this.project;
    if (!project) return;
    await this.stopSandbox();
    await this.connections.closeAll();
    project.close();
    await this.mocks?.close();
    this.mocks = undefined;
    this.project = undefined;
    this.workspace = undefined;
    this.workspaceWatch?.close();
    this.workspaceWatch = undefined;
    this.modelChanged();
    this.broadcast('project.closed', { root: project.root });
  }

  private readonly searchText = (entry: FeedEntry): string => this.payloads.searchText(entry);

  /** Marks the console's RETURN of a cancelled call in the feed: every window sees it is late. */
  private markLate(afterId: number, connectionId: string, sequence: number): void {
    const reply = this.feed
      .query(afterId, 10_000, { hop: 'console', direction: 'in' })
      .find(
        (e) =>
          e.peer === connectionId && e.sequence === sequence && !e.push && (e.kind === 'return' || e.kind === 'error'),
      );
    if (reply && this.feed.amend(reply.id, { note: 'late: its call was cancelled' })) this.feed.revise([reply.id]);
  }

  /** Watches `.tce-console/` once it exists (a project gets one with its first saved state). */
  private watchWorkspace(workspace: Workspace): void {
    const file = workspace.environmentsFile;
    // Refused workspaces (a .tce-console leading elsewhere) are not watched: their calls say why.
    if (this.workspaceWatch || file === undefined || !existsSync(dirname(file))) return;
    this.workspaceWatch = new FolderWatcher(
      (paths) => {
        if (this.workspace !== workspace || !paths.has(file)) return;
        workspace
          .state()
          .then((state) => this.broadcast('workspace.changed', state))
          .catch((e: unknown) => this.log('warn', `environments: ${messageOf(e)}`));
      },
      (message) => this.log('warn', message),
    );
    this.workspaceWatch.set(workspace.folders().slice(0, 1));
  }

  private modelChanged(): void {
    const project = this.project;
    this.feed.setNames(project?.names);
    if (this.payloads.model !== project?.model)
      this.payloads = new FeedPayloads(
        project?.model,
        rawBytes,
        project && { names: project.names, codec: project.codec },
      );
    this.connections.modelChanged();
  }

  private async startSandbox(params: MethodParams<'sandbox.start'>): Promise<SandboxState> {
    const project = this.needProject();
    if (this.sandbox) return this.sandboxState;
    const services = project.services;
    if (!services)
      throw new ConsoleError(
        'no-project',
        `${project.root} has no services.xml: the sandbox starts the gateways it describes`,
      );
    // The gateways read the TLS files services.xml names (relative to it): they too must be the project's.
    const tlsFiles = services.endpoints.flatMap((e) => (e.tls ? [e.keyfile, e.certfile].filter((f) => f !== '') : []));
    for (const file of tlsFiles) project.resolve(resolve(dirname(services.file), file));
    this.setSandboxState({ state: 'starting' });
    const feedAfterId = this.feed.stats().lastId;
    try {
      this.sandbox = await startSandbox({
        services,
        mocks: this.needMocks(),
        params,
        feed: this.feed,
        env: this.env,
        log: (level, message) => this.log(level, message),
        onDevice: (device, user, gateway) => this.connections.learnDevice(device, user, gateway),
      });
      this.pusher = new ConsolePusher(this.sandbox.view.broker, this.feed, (level, message) =>
        this.log(level, message),
      );
      this.setSandboxState({ ...this.sandbox.state, run: ++this.sandboxRuns, feedAfterId: feedAfterId ?? 0 });
      this.log(
        'info',
        `sandbox running on ${this.sandbox.state.broker.description}: ${this.sandbox.state.gateways.map((g) => `${g.server} ${g.listen.join(' ')}`).join('; ')}`,
      );
    } catch (error) {
      this.setSandboxState({ state: 'failed', reason: messageOf(error) });
      this.log('error', `the sandbox did not start: ${messageOf(error)}`);
    }
    return this.sandboxState;
  }

  private async stopSandbox(): Promise<SandboxState> {
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    this.pusher = undefined;
    if (sandbox) {
      await this.connections.closeSandboxLinks();
      await sandbox.stop();
    }
    if (sandbox || this.sandboxState.state !== 'stopped') this.setSandboxState({ state: 'stopped' });
    return this.sandboxState;
  }

  private setSandboxState(state: SandboxState): void {
    this.sandboxState = state;
    this.broadcast('sandbox.state', state);
  }

  private needProject(): ProjectSession {
    if (!this.project)
      throw new ConsoleError('no-project', 'no project is open: open a folder or a services.xml first');
    return this.project;
  }

  private needMocks(): MockEngine {
    this.needProject();
    return this.mocks!;
  }

  /** The sandbox's clients; the console's own connections say which they are. */
  private sandboxClients(): SandboxClient[] {
    const own = this.connections.atGateways();
    return (this.sandbox?.clients() ?? []).map((c) => {
      const mine = own.find((o) => o.gateway === c.gateway && o.userId === c.userId);
      return mine ? { ...c, connectionId: mine.id } : c;
    });
  }

  private needWorkspace(): Workspace {
    this.needProject();
    return this.workspace!;
  }

  private subscriberOf(session: Session): FeedSubscriber {
    if (!session.subscriber)
      throw new ConsoleError('invalid-params', 'this session has no feed subscription: call feed.subscribe first');
    return session.subscriber;
  }

  private entry(id: number) {
    const entry = this.feed.get(id);
    if (!entry)
      throw new ConsoleError(
        'not-found',
        `feed entry ${id} is not in the buffer (evicted, cleared, or never recorded)`,
      );
    return entry;
  }

  /** `{{name}}`: the active environment's variables first, then the project's secrets. */
  private variables(): Lookup {
    const workspace = this.workspace;
    const root = this.project?.root;
    let variables: Promise<Record<string, string>> | undefined;
    return async (name) => {
      variables ??= workspace
        ? workspace.state().then((s) => s.environments.find((e) => e.name === s.activeEnvironment)?.variables ?? {})
        : Promise.resolve({});
      return (await variables)[name] ?? (root === undefined ? undefined : await this.user.secret(root, name));
    };
  }

  private async expandTarget(target: TargetSpec, lookup: Lookup): Promise<TargetSpec> {
    return target.kind === 'url' ? { kind: 'url', url: await expand(target.url, lookup) } : target;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.serial.then(task, task);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private broadcast<E extends EventName>(event: E, payload: ConsoleEvents[E]): void {
    for (const s of this.sessions) s.sink.event(event, payload);
  }

  private readonly log: Log = (level, message) => this.logLimiter.log(level, message);
}

/** A bad filter query is the caller's mistake: invalid-params, with the column. */
function withQuery<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FeedQueryError) throw new ConsoleError('invalid-params', `filter query, ${error.message}`);
    throw error;
  }
}
