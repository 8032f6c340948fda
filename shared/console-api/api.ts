import type { Diagnostic } from '../idl/diagnostics.js';
import type { IdlModel } from '../idl/model.js';
import type {
  AppInfo,
  AttachmentInfo,
  ConnectionInfo,
  DecodedPayload,
  Environment,
  FeedBatch,
  FeedEntry,
  FeedFilter,
  FeedStats,
  FileContent,
  HistoryEntry,
  InvokeRequest,
  InvokeResult,
  LoadRequest,
  MockOverride,
  MocksState,
  OpenConnectionParams,
  ProjectSnapshot,
  PushRequest,
  RequestTabs,
  PushResult,
  RunEvent,
  RunRequest,
  SandboxClient,
  SandboxState,
  SavedCall,
  StartProxyParams,
  StartSandboxParams,
  StartTapParams,
  WorkspaceState,
  FolderListing,
} from './types.js';

/**
 * The console's one contract: every method the renderer may call on the host, and every
 * event the host pushes. Both bridges (Electron IPC and the browser mode's WebSocket) carry
 * exactly this; the host validates every call's params before acting on them.
 */
export interface ConsoleMethods {
  'app.info': { params: Record<string, never>; result: AppInfo };

  /** Opens a folder or a services.xml; IDL files next to it (or listed in tce-project.json) join. */
  'project.open': { params: { path: string }; result: ProjectSnapshot };
  'project.current': { params: Record<string, never>; result: ProjectSnapshot | null };
  /**
   * The folders in a folder on the host machine (directories only, hidden ones left out), for
   * the Open project dialog's browser: `path` may be partial ("~/wor"), the last segment then
   * filters the names. Empty `path`: the user's home folder.
   */
  'project.browse': { params: { path: string }; result: FolderListing };
  /** The platform's own folder chooser (Electron's); `supported: false` where there is none (browser mode). */
  'project.pickFolder': { params: Record<string, never>; result: { supported: boolean; path: string | null } };
  'project.close': { params: Record<string, never>; result: null };
  /** Compiles the project's IDL with unsaved editor texts in place of the files on disk. */
  'project.compile': {
    params: { overrides?: { path: string; text: string }[] };
    result: { model: IdlModel; diagnostics: Diagnostic[] };
  };

  'file.read': { params: { path: string }; result: FileContent };
  /** Atomic; fails with `conflict` if the file changed on disk since `baseVersion`. */
  'file.write': { params: { path: string; text: string; baseVersion: string | null }; result: FileContent };

  'connection.open': { params: OpenConnectionParams; result: ConnectionInfo };
  'connection.close': { params: { id: string }; result: null };
  'connection.list': { params: Record<string, never>; result: ConnectionInfo[] };

  /** Never rejects for a failed call: the TCE error is in the result. */
  invoke: { params: InvokeRequest; result: InvokeResult };

  // The invoke loop (issue 11): cancelling a call, request tabs kept across reloads.
  /** Stops waiting for the call made with `callId`: it resolves as cancelled; a reply that still comes is `invoke.late`. */
  'invoke.cancel': { params: { callId: string }; result: { cancelled: boolean } };
  /** The request tabs as the user left them, or null when none were kept. */
  'workspace.tabs': { params: Record<string, never>; result: RequestTabs | null };
  'workspace.setTabs': { params: RequestTabs; result: null };
  /** The names of the project's secrets, for the environments editor: values never leave the host. */
  'workspace.secretNames': { params: Record<string, never>; result: string[] };

  /** Starts this bridge's batches (`feed.batch` events) from entries after `afterId`. */
  'feed.subscribe': { params: { afterId?: number }; result: FeedStats };
  'feed.unsubscribe': { params: Record<string, never>; result: null };
  /** Holds batches for this subscriber; resume delivers everything still in the buffer. */
  'feed.pause': { params: Record<string, never>; result: FeedStats };
  'feed.resume': { params: Record<string, never>; result: FeedStats };
  'feed.query': {
    params: { afterId?: number; limit: number; filter?: FeedFilter };
    result: { entries: FeedEntry[]; stats: FeedStats };
  };
  'feed.decode': { params: { id: number }; result: DecodedPayload };
  /** Entries of one call across hops (same correlation key). */
  'feed.related': { params: { id: number }; result: FeedEntry[] };
  'feed.clear': { params: Record<string, never>; result: FeedStats };
  'feed.export': { params: { ids?: number[]; filter?: FeedFilter }; result: { ndjson: string; count: number } };
  'feed.import': { params: { ndjson: string }; result: { count: number } };
  'feed.stats': { params: Record<string, never>; result: FeedStats };

  'sandbox.start': { params: StartSandboxParams; result: SandboxState };
  'sandbox.stop': { params: Record<string, never>; result: SandboxState };
  'sandbox.state': { params: Record<string, never>; result: SandboxState };
  /** Clients connected to the sandbox's gateways: whom a push can go to. */
  'sandbox.clients': { params: Record<string, never>; result: SandboxClient[] };

  /** Every operation the project's mock back ends answer, with behaviour and call counts; the scripts and their problems. */
  'mocks.state': { params: Record<string, never>; result: MocksState };
  /** Sets (or with null removes) an operation's override; `interface` is its declaring interface. */
  'mocks.setOverride': {
    params: { interface: string; method: string; override: MockOverride | null };
    result: MocksState;
  };

  /** Publishes a server → client call on the chosen gateway's back-end-facing queue, as a back end would. */
  'push.send': { params: PushRequest; result: PushResult };

  'workspace.state': { params: Record<string, never>; result: WorkspaceState };
  'workspace.setEnvironments': {
    params: { environments: Environment[]; activeEnvironment?: string };
    result: WorkspaceState;
  };
  /** Every saved call, folders included, in name order (`compareCallNames`). */
  'workspace.savedCalls': { params: Record<string, never>; result: SavedCall[] };
  'workspace.saveCall': { params: { call: SavedCall }; result: SavedCall[] };
  'workspace.deleteCall': { params: { name: string }; result: SavedCall[] };
  /** Moves a saved call to another name (folders follow the `/`s); `conflict` if that name is taken. */
  'workspace.renameCall': { params: { from: string; to: string }; result: SavedCall[] };
  /** Copies a saved call under a new name; `conflict` if that name is taken. */
  'workspace.duplicateCall': { params: { name: string; newName: string }; result: SavedCall[] };
  'workspace.history': { params: { limit?: number }; result: HistoryEntry[] };

  /** Secrets (tokens, broker passwords) live outside the project folder. */
  'workspace.setSecret': { params: { name: string; value: string | null }; result: null };

  // Runs (docs/collections.md): saved calls as a test suite, and load runs.
  /** Runs saved calls with their expectations; progress comes as `runs.event`s, the last one `done`. */
  'runs.start': { params: RunRequest; result: { runId: string } };
  /** A load run of one saved call; `load-progress` events about once a second, then `load-done`. */
  'runs.load': { params: LoadRequest; result: { runId: string } };
  /** Stops a run: calls in flight finish, no new ones start. */
  'runs.cancel': { params: { runId: string }; result: null };

  // Attach (docs/attach.md): watch a cluster the console did not start.
  /** Listens (loopback unless `listen` says otherwise) and forwards every connection to the upstream, recording at hop `proxy`. */
  'attach.proxy.start': { params: StartProxyParams; result: AttachmentInfo };
  'attach.proxy.stop': { params: { id: string }; result: AttachmentInfo[] };
  /** Reads the vhost's firehose (RabbitMQ tracing must be on: the error says how), recording the project's queues at hop `queue`. */
  'attach.tap.start': { params: StartTapParams; result: AttachmentInfo };
  'attach.tap.stop': { params: { id: string }; result: AttachmentInfo[] };
  'attach.list': { params: Record<string, never>; result: AttachmentInfo[] };
}

export interface ConsoleEvents {
  'project.changed': ProjectSnapshot;
  /** The project was closed (project.close, or another project opened in its place). */
  'project.closed': { root: string };
  /** A project file changed on disk while open in the editor (reloaded or conflicting). */
  'file.changed': { path: string; version: string };
  'connection.state': ConnectionInfo;
  /** A reply to a call cancelled with `invoke.cancel`, as its result would have been. */
  'invoke.late': { callId: string; result: InvokeResult };
  /** Environments changed (from any window, or `environments.json` edited on disk). */
  'workspace.changed': WorkspaceState;
  'feed.batch': FeedBatch;
  'sandbox.state': SandboxState;
  /** Scripts reloaded, an override changed, calls counted (at most twice a second). */
  'mocks.changed': MocksState;
  /** Progress of a collection or load run started by any session. */
  'runs.event': RunEvent;
  /** Every attachment, when one starts or stops or its counters move (at most 4 times a second). */
  'attach.state': AttachmentInfo[];
  /** A line for the status bar / log panel. */
  log: { level: 'info' | 'warn' | 'error'; message: string; time: number };
}

export type MethodName = keyof ConsoleMethods;
export type EventName = keyof ConsoleEvents;
export type MethodParams<M extends MethodName> = ConsoleMethods[M]['params'];
export type MethodResult<M extends MethodName> = ConsoleMethods[M]['result'];

/** Why a host method failed (a failed TCE call is not one: `invoke` returns it). */
export type ConsoleErrorCode =
  'invalid-params' | 'unknown-method' | 'no-project' | 'not-found' | 'conflict' | 'io' | 'unauthorized' | 'internal';

export interface ConsoleErrorData {
  code: ConsoleErrorCode;
  message: string;
}

export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
  }

  toData(): ConsoleErrorData {
    return { code: this.code, message: this.message };
  }
}

/** The renderer's one door to the host (Electron preload or WebSocket). */
export interface ConsoleBridge {
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void;
}

/** Frames of the bridge protocol (JSON over the browser mode's WebSocket; the IPC bridge mirrors them). */
export type BridgeFrame =
  | { type: 'call'; id: number; method: MethodName; params: unknown }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: ConsoleErrorData }
  | { type: 'event'; event: EventName; payload: unknown };
