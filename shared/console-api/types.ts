import type { Diagnostic } from '../idl/diagnostics.js';
import type { IdlModel, QualifiedName } from '../idl/model.js';
import type { ConfigModel, ServicesModel } from '../project/model.js';
import type { ArgProblem } from '../wire/args-problems.js';
import type { JsonValue } from '../wire/json-value.js';
import type { Extra } from '../wire/message.js';

export type { ArgProblem };

/**
 * Data that crosses the bridge between the console host (electron/host) and the renderer.
 * Everything is plain JSON: no classes, no Maps, no bigint, no Uint8Array (bytes are base64).
 */

// The wire's own types, not look-alikes: a decoded value or an extra map crosses the bridge as is.
export type { Extra, JsonValue };

// ---------------------------------------------------------------------------------- project

/** An open project: a folder with a services.xml (optional), a config.yml (optional) and IDL files. */
export interface ProjectSnapshot {
  /** Absolute folder path. */
  root: string;
  /** Folder name, for titles. */
  name: string;
  /** Increases on every reload (file change on disk, save). */
  revision: number;
  files: ProjectFiles;
  /** Parsed services.xml, when the project has one. */
  services?: ServicesModel;
  config?: ConfigModel;
  /** The checked model of all IDL files (ids checked against services.xml InterfaceDef). */
  model: IdlModel;
  /** Every problem of every project file, with file:line:col. */
  diagnostics: Diagnostic[];
  /**
   * Interfaces clients implement (services.xml routes a `<call>` of them from a queue to a
   * client endpoint, e.g. `test.ITerminal`): back ends push them; nobody answers a call to them.
   */
  clientInterfaces: QualifiedName[];
}

export interface ProjectFiles {
  servicesXml?: string;
  configYml?: string;
  /** IDL files in compile order (absolute paths). */
  idl: string[];
}

/** A file's text with the version it was read at; saving requires the version to still match. */
/** One folder's subfolders, as the Open project dialog's browser shows them. */
export interface FolderListing {
  /** The folder listed, absolute. */
  folder: string;
  /** Its parent (null at the root). */
  parent: string | null;
  /** Subfolders' absolute paths, sorted by name, the names starting with the typed prefix when `path` was partial; at most `FOLDER_LIST_MAX`. */
  folders: string[];
  /** More folders matched than were listed. */
  truncated: boolean;
  /** The folder itself holds a services.xml (it opens as a project). */
  hasServicesXml: boolean;
}

export const FOLDER_LIST_MAX = 500;

export interface FileContent {
  path: string;
  text: string;
  /** Opaque: changes whenever the file on disk changes. */
  version: string;
}

// ------------------------------------------------------------------------------ connections

/** What to connect to: an endpoint of the open project, or an ad-hoc URL. */
export type TargetSpec =
  | { kind: 'endpoint'; endpoint: string }
  /** `tcp://host:port`, `tls://`, `ws://host:port`, `wss://`, `amqp://user:pass@host:port/<queue>`. */
  | { kind: 'url'; url: string };

export type ConnectionState =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'retrying'; attempt: number; delayMs: number; lastError: string }
  | { state: 'closed'; reason: string };

export interface ConnectionInfo {
  id: string;
  target: TargetSpec;
  /** Resolved URL, credentials masked. */
  url: string;
  transport: 'tcp' | 'tls' | 'ws' | 'wss' | 'amqp';
  state: ConnectionState;
  /** Interfaces whose servants the console registered on this connection to receive pushes. */
  pushInterfaces: QualifiedName[];
}

export interface OpenConnectionParams {
  target: TargetSpec;
  /** Sent as `__token__` on the first message (gateways with userid_check). */
  token?: string;
  deviceId?: string;
}

// ---------------------------------------------------------------------------------- invoke

export type InvokeMode = 'twoway' | 'oneway' | 'async';

/** What to call and how: shared by invocations and saved calls. */
export interface CallSpec {
  /** `module.Interface`, e.g. `test.Server`. */
  interface: QualifiedName;
  /** Operation name; inherited operations are found on the derived interface. */
  method: string;
  /** Positional array or an object keyed by parameter name (JSON forms of the IDL types). */
  args: JsonValue;
  mode: InvokeMode;
  /** Default 30 000; ignored for one-way. */
  timeoutMs?: number;
  extra?: Extra;
}

export interface InvokeRequest extends CallSpec {
  /** An open connection, or a target to connect to (reusing an open connection to it). */
  connectionId?: string;
  target?: TargetSpec;
  /** Names the call for `invoke.cancel` and `invoke.late` (the renderer picks it, unique per session). */
  callId?: string;
}

/** Where a call went: the connection and the feed's last entry before it (its entries, and pushes, come after). */
export interface CallPlace {
  connectionId?: string;
  feedAfterId?: number;
}

export type InvokeResult = CallPlace &
  (
    | {
        ok: true;
        /** The decoded return value (null for void and one-way). */
        value: JsonValue;
        /** Extra of the RETURN. */
        extra: Extra;
        sequence: number;
        latencyMs: number;
        requestSize: number;
        responseSize: number;
      }
    | {
        ok: false;
        error: RpcFailure;
        /** Undefined when the call never reached the wire (bad arguments, one-way on non-void). */
        sequence?: number;
        latencyMs: number;
        requestSize?: number;
        /** The arguments do not fit the IDL: every problem, nothing was sent. */
        problems?: ArgProblem[];
        /** `invoke.cancel` stopped the wait; a reply that still comes is reported as `invoke.late`. */
        cancelled?: true;
      }
  );

/** A TCE error: code, `RPCERROR_*` name and a human reason. */
export interface RpcFailure {
  code: number;
  codeName: string;
  reason: string;
}

// ------------------------------------------------------------------------------------ feed

/** Where on the path a message was seen. */
export type FeedHop = 'console' | 'proxy' | 'gateway' | 'queue' | 'server';

export type FeedKind = 'call' | 'oneway' | 'return' | 'error';

/** One message crossing one hop. */
export interface FeedEntry {
  /** Increases by one per entry; ids survive pause/resume and identify entries in queries. */
  id: number;
  /** Epoch milliseconds; with a fraction (sub-millisecond) where the hop measured it so. */
  time: number;
  hop: FeedHop;
  direction: 'in' | 'out';
  /** Endpoint name (`socket_gateway`, `mq_server`) or URL. */
  endpoint: string;
  /** Remote address, queue name or connection id. */
  peer?: string;
  userId?: string;
  /** The gateway whose numbering `userId` belongs to (user ids are per gateway), where known. */
  gateway?: string;
  kind: FeedKind;
  /** A server → client call (e.g. `ITerminal.onMessage`). */
  push: boolean;
  sequence: number;
  calltype: number;
  ifidx: number;
  opidx: number;
  errcode: number;
  callId: number;
  /**
   * Resolved through the project: `test.Server`. An error RETURN (whose ifidx and opidx are 0 on
   * the wire) takes its CALL's, found at the same hop.
   */
  interface?: QualifiedName;
  method?: string;
  extra: Extra;
  /** RpcMessage size in bytes. */
  size: number;
  /** On a RETURN: time since its CALL at the same hop (sub-millisecond where both times are). */
  latencyMs?: number;
  /** Shared by every hop of one call (sequence + user id + call path), to follow it end to end. */
  correlation: string;
  /** What the hop did, when not plain delivery: `dropped: no-route`, `forwarded to mq_server`. */
  note?: string;
  /** On a sandbox back end's RETURN: what produced the answer of its mock. */
  mock?: MockSource;
  /** On the entries of a call made by a collection or load run: which run, which saved call. */
  run?: RunTag;
  /** The RpcMessage bytes, base64, at most the host's raw limit. */
  raw: string;
  rawTruncated: boolean;
}

/** A feed entry's payload decoded against the IDL, on demand. */
export type DecodedPayload =
  | { ok: true; interface: QualifiedName; method: string; kind: 'params' | 'result'; value: JsonValue }
  /** An error RETURN: no payload on the wire, its meaning is the code. */
  | { ok: true; kind: 'error'; code: number; codeName: string; reason: string }
  | { ok: false; reason: string; hex: string };

/** What a subscriber receives, at most 30 times per second. */
export interface FeedBatch {
  entries: FeedEntry[];
  /** Entries this subscriber missed since the previous batch (it was too slow). */
  dropped: number;
  /**
   * Entries delivered before that changed since (a connection learned its user id at the
   * gateway: correlation key, user and gateway filled in), whole, to replace the old ones.
   */
  revised?: FeedEntry[];
  /** More of the same batch follows in the next message (a large batch is sent in slices). */
  more?: true;
}

export interface FeedStats {
  capacity: number;
  size: number;
  /** Entries evicted from the ring buffer since start (or clear). */
  evicted: number;
  /** Entries not delivered to this subscriber since it subscribed. */
  droppedForSubscriber: number;
  paused: boolean;
  firstId: number | undefined;
  lastId: number | undefined;
}

/**
 * Filters the feed; every field narrows. Applied by the host for queries and exports, and by the
 * renderer (shared/console-api/feed-filter.ts gives both the same meaning).
 */
export interface FeedFilter {
  /** The filter language (shared/console-api/feed-query.ts): `method:echo "hello" -hop:queue`. */
  query?: string;
  /** Widen to whole calls: every entry of a call of which one entry matches. */
  wholeCalls?: boolean;
  /** Free text: header fields, extra and the decoded payload. */
  text?: string;
  interface?: string;
  method?: string;
  direction?: 'in' | 'out';
  userId?: string;
  hop?: FeedHop;
  /** `extra.key=value` conditions. */
  extra?: Extra;
}

// --------------------------------------------------------------------------------- sandbox

/** What the sandbox runs: the project's gateways and a mock back end per config.yml section, or one half. */
export type SandboxMode = 'full' | 'gateways' | 'backends';

export type SandboxState =
  | { state: 'stopped' }
  | { state: 'starting' }
  | {
      state: 'running';
      mode: SandboxMode;
      /**
       * Counts the host's sandbox starts; from the second on, gateways number their users from 1
       * again, so `gwserver/2` after entry `feedAfterId` is not the `gwserver/2` before it.
       */
      run?: number;
      feedAfterId?: number;
      broker: { kind: 'amqp' | 'memory'; description: string };
      gateways: { server: string; listen: string[] }[];
      /** Mock back ends: the config.yml section, the endpoints it reads, the interfaces it serves. */
      backEnds: { name: string; reads: string[]; serves: QualifiedName[] }[];
    }
  | { state: 'failed'; reason: string };

export interface StartSandboxParams {
  /** `auto` (default): RabbitMQ when an AMQP URL is configured and reachable, else in-memory. */
  broker?: 'auto' | 'amqp' | 'memory';
  amqpUrl?: string;
  /** The address every sandbox gateway listens on. Default: loopback (127.0.0.1, or the endpoint's own loopback host). */
  listenHost?: string;
  /** Default `full`. */
  mode?: SandboxMode;
}

/** A client connected to a sandbox gateway: who a push can go to. */
export interface SandboxClient {
  gateway: string;
  /** The gateway's listen endpoint it connected to. */
  endpoint: string;
  userId: string;
  /** Remote address. */
  peer: string;
  /** Set when it is one of the console's own connections. */
  connectionId?: string;
}

// ---------------------------------------------------------------------------------- attach

/**
 * A way of watching a cluster the console did not start: a recording proxy in front of a stream
 * endpoint, or a tap on the broker's firehose. Counters grow while it runs.
 */
export type AttachmentInfo =
  | {
      kind: 'proxy';
      id: string;
      state: 'running' | 'stopped';
      /** Where clients connect instead: `tcp://127.0.0.1:40123`. */
      listen: string;
      upstream: string;
      /** The feed entries' endpoint: the project endpoint's name, or the upstream URL. */
      endpoint: string;
      /** The project's gateway behind the upstream, when known. */
      gateway?: string;
      /** Client connections accepted, open now, refused for want of an upstream. */
      accepted: number;
      open: number;
      upstreamFailures: number;
      /** Frames recorded (both directions) and bytes forwarded each way. */
      frames: number;
      bytesIn: number;
      bytesOut: number;
      lastError?: string;
    }
  | {
      kind: 'tap';
      id: string;
      state: 'running' | 'stopped';
      /** The broker, password masked. */
      url: string;
      vhost: string;
      /** The project's queues and topics the tap keeps: `queue shop-backend (shop_backend)`. */
      watches: string[];
      /** Trace messages read; of them the project's, recorded; bodies that are no RpcMessage. */
      seen: number;
      recorded: number;
      undecodable: number;
      lastError?: string;
    };

export interface StartProxyParams {
  /** A socket or websocket endpoint of the open project, or an upstream URL (tcp, tls, ws, wss). */
  upstream: TargetSpec;
  /**
   * Where to listen: `tcp://host:port` in front of tcp/tls, `ws://host:port` in front of ws/wss.
   * Default: loopback, a free port. Another host than loopback only when the user chose it.
   */
  listen?: string;
}

export interface StartTapParams {
  /** `amqp://user:password@host:port/vhost`; default: TCE_AMQP_URL, else the project's broker with guest. */
  amqpUrl?: string;
}

// ----------------------------------------------------------------------------------- mocks

/** What answered a call in a mock back end. */
export type MockSource = 'example' | 'script' | 'override';

export type MockAnswer = { kind: 'result'; value: JsonValue } | { kind: 'error'; code: number; reason?: string };

/**
 * A per-operation override set from the console, kept in `.tce-console/mocks.json`: a fixed
 * answer, a delay before answering, or both (a delay alone delays the script's or example's answer).
 */
export interface MockOverride {
  answer?: MockAnswer;
  delayMs?: number;
}

/** One operation a mock back end answers. */
export interface MockOperation {
  /** The declaring interface: an inherited operation is listed once, under it, with its ifidx. */
  interface: QualifiedName;
  method: string;
  ifidx: number;
  opidx: number;
  /** config.yml sections whose mock back end serves it. */
  backEnds: string[];
  /** What answers the next call: an override's answer, else a script's handler, else the example. */
  behaviour: MockSource;
  /** The handler's script (relative to the project folder) and key, when a script handles it. */
  script?: { file: string; key: string };
  override?: MockOverride;
  /** Calls answered since the project was opened. */
  calls: number;
}

export interface MockScript {
  /** Relative to the project folder: `mocks/sample.mjs`. */
  file: string;
  /** The operations it has handlers for, as `module.Interface.operation` (an interface's object flattened). */
  handlers: string[];
  loaded: boolean;
}

export interface MocksState {
  operations: MockOperation[];
  scripts: MockScript[];
  /** Scripts that do not load, keys that name nothing: file:line:col. */
  problems: Diagnostic[];
}

// ----------------------------------------------------------------------------------- pushes

/** A user at one sandbox gateway, or every user connected to the sandbox (through the broadcast topic). */
export type PushRecipient = { kind: 'user'; gateway: string; userId: string } | { kind: 'all' };

/** A server → client call the console sends as a back end would. */
export interface PushRequest {
  /** A client interface (ProjectSnapshot.clientInterfaces), e.g. `test.ITerminal`. */
  interface: QualifiedName;
  method: string;
  /** Positional array or an object keyed by parameter name. */
  args: JsonValue;
  to: PushRecipient;
  extra?: Extra;
}

export interface PushResult {
  /** One one-way CALL per recipient, as published. */
  sent: { gateway: string; endpoint: string; userId: string; sequence: number }[];
}

// ------------------------------------------------------------------------------- workspace

/** A call kept in the project's workspace folder, one JSON file each. */
export interface SavedCall extends CallSpec {
  /** `name` or `folder/…/name`: stored as `saved-calls/folder/…/name.json`. */
  name: string;
  target?: TargetSpec;
  /** What a run checks of the answer (docs/collections.md); all must hold for the call to pass. */
  expectations?: Expectation[];
  /** Values taken from the answer into `{{variables}}` for the later calls of the same run. */
  captures?: Capture[];
}

// ------------------------------------------------------------------------------ collections

/** Which run and saved call a feed entry belongs to. */
export interface RunTag {
  run: string;
  call: string;
}

/**
 * One check of a call's outcome. `path` is JSONPath-like over the result: `$`, `$.a.b`,
 * `$.items[0].id`, `$["odd key"]`. Strings in `value`s may hold `{{variables}}`.
 */
export type Expectation =
  /** The call succeeds and its result equals the value (JSON equality; key order does not matter). */
  | { kind: 'equals'; value: JsonValue }
  /** The result contains the value: objects by subset of keys, arrays item by item in order, the rest equal. */
  | { kind: 'contains'; value: JsonValue }
  /** The value at the path equals `value`. */
  | { kind: 'path'; path: string; value: JsonValue }
  /** The value at the path, as text (JSON for non-strings), matches the regular expression. */
  | { kind: 'matches'; path: string; regex: string }
  /** The call fails with this TCE error code. */
  | { kind: 'error'; code: number }
  /** The answer comes in under this many milliseconds. */
  | { kind: 'latency'; underMs: number }
  /** A push (server → client call) of `module.Interface.method` arrives within `withinMs` of sending; `args` as in `contains`. */
  | { kind: 'push'; method: string; args?: JsonValue; withinMs: number }
  /** The reply's extra has key = value. */
  | { kind: 'extra'; key: string; value: string }
  /**
   * JavaScript, the body of a function of `result`, `error`, `pushes`, `extra`, `latencyMs` and
   * `variables`: it passes unless it throws or returns false. Run isolated, with a deadline.
   */
  | { kind: 'script'; source: string };

export type ExpectationKind = Expectation['kind'];

/** Takes the value at `path` of the result into `{{variable}}` (strings as they are, other values as JSON). */
export interface Capture {
  variable: string;
  path: string;
}

/** A push as a run saw it: name, decoded arguments (by parameter name), milliseconds after the call was sent. */
export interface SeenPush {
  method: string;
  args: JsonValue;
  afterMs: number;
}

/** How one expectation (or capture) came out; `expected`/`actual` are shown side by side as a diff. */
export interface ExpectationOutcome {
  /** Index in the call's `expectations`, or -1 for a capture. */
  index: number;
  kind: ExpectationKind | 'capture';
  pass: boolean;
  /** One line: `$.status: expected "paid", got "open"`. */
  message: string;
  expected?: JsonValue;
  actual?: JsonValue;
}

export type CallVerdict = 'passed' | 'failed' | 'skipped';

/** One call of a run, as the Run view and the reporters show it. */
export interface CallReport {
  name: string;
  /** `setup` / `teardown` of its folder, or an ordinary call. */
  role: 'setup' | 'call' | 'teardown';
  verdict: CallVerdict;
  /** The first failing expectation's message, or why it was skipped. */
  message?: string;
  outcomes: ExpectationOutcome[];
  result?: InvokeResult;
  pushes: SeenPush[];
  /** Variables it captured, with their values. */
  captured: Record<string, JsonValue>;
  durationMs: number;
}

export interface RunTotals {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

export interface RunReport {
  id: string;
  /** Folders run (`''` for the whole collection) or the names of the calls re-run. */
  selection: string[];
  environment?: string;
  startedAt: number;
  calls: CallReport[];
  totals: RunTotals;
}

/** What a run is for: folders or calls by name (`[]` = everything), and where. */
export interface RunRequest {
  selection: string[];
  environment?: string;
  /** Overrides every call's own target. */
  target?: TargetSpec;
  bail?: boolean;
  /** Values known before the first call, as if captured (re-running failed calls passes what the last run captured). */
  variables?: Record<string, JsonValue>;
}

export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface LoadRequest {
  /** A saved call's name. */
  call: string;
  environment?: string;
  target?: TargetSpec;
  concurrency: number;
  /** Stop after this long, or after `calls` calls, whichever comes first (at least one is given). */
  durationMs?: number;
  calls?: number;
  /** Calls per second; latency is then measured from each call's intended send time (coordinated omission). */
  rate?: number;
}

export interface LoadReport {
  id: string;
  call: string;
  calls: number;
  ok: number;
  /** Failed calls by TCE error code. */
  errors: Record<string, number>;
  durationMs: number;
  callsPerSecond: number;
  latency: LatencySummary;
  /** Bars of the latency histogram: upper bound of each bucket and its count (non-empty buckets). */
  histogram: { upToMs: number; count: number }[];
  /** Completed calls per second of the run, second by second. */
  throughput: number[];
  /** True when `rate` was given: latencies count from the intended send time. */
  correctedForCoordinatedOmission: boolean;
}

/** A run's progress, pushed to the renderer. */
export type RunEvent =
  | { kind: 'call'; runId: string; call: CallReport }
  | { kind: 'done'; runId: string; report: RunReport }
  | { kind: 'load-progress'; runId: string; report: LoadReport }
  | { kind: 'load-done'; runId: string; report: LoadReport }
  /** The run could not go on (a call that cannot be prepared, the project closed). */
  | { kind: 'failed'; runId: string; message: string };

export interface HistoryEntry {
  time: number;
  request: InvokeRequest;
  result: InvokeResult;
}

/** Variables such as host, token and default extra, chosen per environment. */
export interface Environment {
  name: string;
  variables: Record<string, string>;
  extraDefaults: Extra;
}

/** One request tab of the Invoke panel as the user left it. */
export interface RequestDraft {
  target?: TargetSpec;
  /** The ad-hoc URL typed in this tab. */
  adHocUrl?: string;
  interface?: QualifiedName;
  method?: string;
  /** The parameters text per `interface.method`, kept while switching methods in the tab. */
  argsText: Record<string, string>;
  mode: InvokeMode;
  timeoutMs: number;
  extras: { key: string; value: string }[];
}

/** The Invoke panel's request tabs (personal, like history: `.tce-console/tabs.json`, git-ignored). */
export interface RequestTabs {
  /** Index of the tab in front. */
  active: number;
  tabs: RequestDraft[];
}

export interface WorkspaceState {
  environments: Environment[];
  activeEnvironment?: string;
}

export interface AppInfo {
  mode: 'electron' | 'web';
  version: string;
  platform: string;
  recentProjects: string[];
  /** How to start this package's own tce-call from any folder: the Node binary and the script's absolute path. */
  tceCall: string[];
}
