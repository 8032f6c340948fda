// The fault-injection scenarios of docs/delivery.md, shared by test/integration/faults-*.test.ts
// (which assert on the counts) and `npm run bench -- faults` (which prints them as a table).
// Everything is real: the built tce-gateway and tce-sample-server CLIs as child processes, each
// talking to the shared RabbitMQ through a TcpProxy of its own, and TCP clients in this process.
import { copyCluster, type ClusterCopy } from './cluster-copy.js';
import type { GatewayCounters, GatewayFootprint } from '../electron/gateway/index.js';
import { ServerProxy } from '../electron/sample-server/generated/test.js';
import { createClient } from '../electron/transports/dial.js';
import type { RpcClient } from '../shared/rpc/client.js';
import { ErrorCode, RpcError } from '../shared/rpc/errors.js';
import { isReturn } from '../shared/wire/message.js';
import { RABBIT_URL, RabbitAdmin, sleep, suffix, until } from './mq-kit.js';
import { CliProcess, listeningUrls, requireBuilt, startSampleServerCli } from './cli-kit.js';
import { TcpProxy } from './tcp-proxy.js';

/** How the calls of one scenario ended, counted per call. */
export interface FaultCounts {
  scenario: string;
  /** Calls awaiting their RETURN when the fault hit. */
  inFlight: number;
  /** Calls made over the whole run. */
  calls: number;
  /** Ended with the right RETURN. */
  answered: number;
  /** Ended with an error RETURN (a code on the wire: the gateway's or the back end's). */
  errorReturned: number;
  /** Ended with no RETURN at all: the client's own timeout. The number that must be 0. */
  silent: number;
  /** RETURNs beyond the first for one call. */
  duplicated: number;
  /** RETURNs a client got for a call it did not make, or with another call's result. */
  wrongClient: number;
  /** Calls failed by the client's own connection dropping (no fault here touches it). */
  connectionLost: number;
  /** errcode → calls error-returned with it. */
  errorCodes: Record<number, number>;
  /** Scenario facts, e.g. `heldByKilled`, `answeredAfterRecovery`, `gatewayRunning` (1 or 0). */
  facts: Record<string, number>;
  /** The facts for a person. */
  notes: string[];
}

/** Every call of every client, tallied as it ends. */
class Tally {
  calls = 0;
  /** Ids of the calls not ended yet (ids count up from 0 in the order calls are made). */
  readonly waiting = new Set<number>();
  answered = 0;
  errorReturned = 0;
  silent = 0;
  wrongResult = 0;
  connectionLost = 0;
  readonly errorCodes: Record<number, number> = {};

  get pending(): number {
    return this.waiting.size;
  }

  /** How many of the calls made before now have not ended, asked later. */
  mark(): () => number {
    const before = this.calls;
    return () => [...this.waiting].filter((id) => id < before).length;
  }
}

/** A client of the gateway that knows, for each call it made, which RETURNs came for it. */
class CountingClient {
  readonly rpc: RpcClient;
  readonly server: ServerProxy;
  private lastSent = 0;
  private readonly sent = new Set<number>();
  /** sequence → RETURNs received with it. */
  private readonly returns = new Map<number, number>();

  constructor(
    url: string,
    private readonly tally: Tally,
    timeout: number,
  ) {
    this.rpc = createClient(url, { timeout });
    this.server = new ServerProxy(this.rpc);
    this.rpc.onTraffic(({ direction, message }) => {
      if (direction === 'out') this.lastSent = message.sequence;
      else if (isReturn(message)) this.returns.set(message.sequence, (this.returns.get(message.sequence) ?? 0) + 1);
    });
  }

  /**
   * Makes one call (the client is connected, so it leaves at once and its sequence is known)
   * and tallies how it ended; resolves true when it was answered as expected.
   */
  async run(call: (server: ServerProxy) => Promise<unknown>, expected: unknown): Promise<boolean> {
    const ending = call(this.server);
    const sequence = this.lastSent;
    this.sent.add(sequence);
    const id = this.tally.calls++;
    this.tally.waiting.add(id);
    try {
      const result = await ending;
      if (result === expected) this.tally.answered++;
      else this.tally.wrongResult++;
      return result === expected;
    } catch (error) {
      const code = error instanceof RpcError ? error.code : -1;
      if ((this.returns.get(sequence) ?? 0) > 0) {
        this.tally.errorReturned++;
        this.tally.errorCodes[code] = (this.tally.errorCodes[code] ?? 0) + 1;
      } else if (code === ErrorCode.CONNECTION_LOST) this.tally.connectionLost++;
      else this.tally.silent++;
      return false;
    } finally {
      this.tally.waiting.delete(id);
    }
  }

  /** RETURNs beyond the first per call, and RETURNs for sequences this client never sent. */
  extraReturns(): { duplicated: number; stray: number } {
    let duplicated = 0;
    let stray = 0;
    for (const [sequence, n] of this.returns) {
      if (!this.sent.has(sequence)) stray += n;
      else duplicated += n - 1;
    }
    return { duplicated, stray };
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}

/** One process and its own link to the broker. */
export interface Linked {
  process: CliProcess;
  proxy: TcpProxy;
}

/**
 * A private copy of the cluster example (unique queue names, port 0) run as a user runs it:
 * tce-gateway gwserver and tce-sample-server back ends, each through its own proxy.
 */
export class FaultRig {
  readonly backEnds: Linked[] = [];
  private readonly clients: CountingClient[] = [];
  readonly tally = new Tally();

  private constructor(
    readonly files: ClusterCopy,
    readonly gateway: Linked & { url: string },
    private readonly backEndArgs: readonly string[],
  ) {}

  static async start(options: {
    backEnds: number;
    backEndArgs?: readonly string[];
    gatewayArgs?: readonly string[];
    gatewayNodeArgs?: readonly string[];
  }): Promise<FaultRig> {
    requireBuilt('tce-gateway', 'tce-sample-server');
    const files = copyCluster(`tce-faults-${suffix()}`);
    const proxy = await TcpProxy.start();
    const gateway = new CliProcess(
      'tce-gateway',
      [files.servicesXml, 'gwserver', '--amqp', proxy.url(RABBIT_URL), ...(options.gatewayArgs ?? [])],
      process.env,
      options.gatewayNodeArgs,
    );
    let rig: FaultRig | undefined;
    try {
      const [url] = listeningUrls(await gateway.waitFor(/^tce-gateway gwserver: listening on /));
      rig = new FaultRig(files, { process: gateway, proxy, url: url! }, options.backEndArgs ?? []);
      for (let i = 0; i < options.backEnds; i++) await rig.startBackEnd();
      return rig;
    } catch (error) {
      if (rig) await rig.stop();
      else {
        await gateway.stop('SIGKILL');
        await proxy.close();
        files.removeFiles();
      }
      throw error;
    }
  }

  /** Starts one more tce-sample-server (config.yml section `server`) with a proxy of its own. */
  async startBackEnd(): Promise<Linked> {
    const proxy = await TcpProxy.start();
    const { server } = await startSampleServerCli([
      '--config',
      this.files.configYml,
      '--name',
      'server',
      '--amqp',
      proxy.url(RABBIT_URL),
      ...this.backEndArgs,
    ]).catch(async (error: unknown) => {
      await proxy.close();
      throw error;
    });
    const linked = { process: server, proxy };
    this.backEnds.push(linked);
    return linked;
  }

  /** Connected clients of the gateway whose calls are tallied. */
  async connectClients(n: number, timeout: number): Promise<CountingClient[]> {
    const made = Array.from({ length: n }, () => new CountingClient(this.gateway.url, this.tally, timeout));
    this.clients.push(...made);
    await Promise.all(made.map((c) => c.rpc.connect()));
    return made;
  }

  /** The counts so far; call once every call has ended. */
  counts(scenario: string, inFlight: number, facts: Record<string, number>, notes: string[]): FaultCounts {
    const t = this.tally;
    let duplicated = 0;
    let stray = 0;
    for (const c of this.clients) {
      const extra = c.extraReturns();
      duplicated += extra.duplicated;
      stray += extra.stray;
    }
    return {
      scenario,
      inFlight,
      calls: t.calls,
      answered: t.answered,
      errorReturned: t.errorReturned,
      silent: t.silent,
      duplicated,
      wrongClient: t.wrongResult + stray,
      connectionLost: t.connectionLost,
      errorCodes: { ...t.errorCodes },
      facts,
      notes,
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    await Promise.all([this.gateway, ...this.backEnds].map((p) => p.process.stop('SIGKILL')));
    await Promise.all([this.gateway, ...this.backEnds].map((p) => p.proxy.close()));
    const admin = await RabbitAdmin.open();
    try {
      await admin.remove(this.files.queues, this.files.exchanges);
    } finally {
      await admin.close();
    }
    this.files.removeFiles();
  }
}

/**
 * `concurrency` loops, each making one echo call after another through its client (so that many
 * are always in flight), each text unique so a RETURN with another call's result is caught.
 */
function closedLoop(clients: CountingClient[], concurrency: number): { stop(): Promise<void> } {
  let stopped = false;
  const loops = Array.from({ length: concurrency }, async (_, i) => {
    const client = clients[i % clients.length]!;
    for (let n = 0; !stopped; n++) {
      const text = `loop ${i} call ${n}`;
      // After a failure, a breath: clients told "broker down" retry, but not in a hot loop.
      if (!(await client.run((s) => s.echo(text), `Yah! ${text}`))) await sleep(100);
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Waits for `count` more answered calls after now: the path works (again). */
const answeredMore = async (rig: FaultRig, count: number, what: string): Promise<number> => {
  const from = rig.tally.answered;
  await until(
    () => rig.tally.answered >= from + count,
    90_000,
    () => `${what}: ${rig.tally.answered - from} of ${count} calls answered`,
  );
  return rig.tally.answered - from;
};

const callLines = (p: Linked, method: string): number =>
  p.process.lines.filter((l) => l.startsWith(`${method}(`)).length;

export interface LinkCutOptions {
  clients?: number;
  inFlight?: number;
  cutMs?: number;
}

/** Starts a rig, runs `body` on it, and stops it whatever happened. */
async function withRig<T>(
  options: Parameters<typeof FaultRig.start>[0],
  body: (rig: FaultRig) => Promise<T>,
): Promise<T> {
  const rig = await FaultRig.start(options);
  try {
    return await body(rig);
  } finally {
    await rig.stop();
  }
}

interface LinkCut {
  /** Calls in flight when the link was cut. */
  atCut: number;
  /** Of those, still waiting when it was restored. */
  waitingAtRestore: number;
  /** Calls answered after the restore (the wait for them ends the run). */
  after: number;
}

/**
 * Cuts one process's broker link for `cutMs` under `inFlight` calls kept in flight by a closed
 * loop, restores it, waits until calls are answered again, and reports (while the rig still runs).
 */
function linkCut(
  whose: 'gateway' | 'back end',
  options: LinkCutOptions,
  timeout: number,
  report: (rig: FaultRig, cut: LinkCut) => FaultCounts,
): Promise<FaultCounts> {
  const { clients = 4, inFlight = 100, cutMs = 5_000 } = options;
  return withRig({ backEnds: 1 }, async (rig) => {
    const proxy = whose === 'gateway' ? rig.gateway.proxy : rig.backEnds[0]!.proxy;
    const load = closedLoop(await rig.connectClients(clients, timeout), inFlight);
    await answeredMore(rig, 500, 'before the cut');
    const atCut = rig.tally.pending;
    const stillWaiting = rig.tally.mark();
    proxy.cut();
    await sleep(cutMs);
    const waitingAtRestore = stillWaiting();
    proxy.restore();
    const after = await answeredMore(rig, 500, 'after the link came back');
    await load.stop();
    await sleep(1_000); // late and duplicate RETURNs would arrive now
    return report(rig, { atCut, waitingAtRestore, after });
  });
}

/**
 * (a) The gateway's broker link is cut for `cutMs` under `inFlight` calls in flight, then
 * restored. Every call must end answered or error-returned (errcode 1 at once for those the
 * gateway cannot vouch for) before the link is back, and the same gateway process must serve again.
 */
export function gatewayLinkCut(options: LinkCutOptions = {}): Promise<FaultCounts> {
  return linkCut('gateway', options, 20_000, (rig, { atCut, waitingAtRestore, after }) => {
    const gatewayRunning = rig.gateway.process.running ? 1 : 0;
    const { cut, refused } = rig.gateway.proxy.stats;
    return rig.counts(
      `(a) gateway broker link cut ${(options.cutMs ?? 5_000) / 1000} s`,
      atCut,
      { waitingAtRestore, answeredAfterRecovery: after, gatewayRunning },
      [
        `${waitingAtRestore} of the ${atCut} calls in flight at the cut were still waiting when the link came back`,
        `${after} calls answered after the link came back, by the same gateway process (${gatewayRunning ? 'still running' : 'EXITED'})`,
        `the gateway's links to RabbitMQ: ${cut} cut, ${refused} reconnects refused during the cut`,
      ],
    );
  });
}

/** (b) The back end's broker link is cut for `cutMs` under load, then restored: no call may be lost. */
export function backEndLinkCut(options: LinkCutOptions = {}): Promise<FaultCounts> {
  return linkCut('back end', options, 30_000, (rig, { atCut, after }) =>
    rig.counts(
      `(b) back end broker link cut ${(options.cutMs ?? 5_000) / 1000} s`,
      atCut,
      { answeredAfterRecovery: after },
      [`${after} calls answered after the back end's link came back`],
    ),
  );
}

export interface KillOptions {
  /** Slow calls made at once. */
  calls?: number;
  /** How long each takes: timeout(secs). */
  secs?: number;
  /** The back ends acknowledge on receipt, as the original. */
  ackOnReceipt?: boolean;
  /** The clients' call timeout. */
  timeout?: number;
}

/** Makes `calls` slow calls at once, spread over the clients; `ended` resolves when all have. */
async function slowCalls(
  rig: FaultRig,
  calls: number,
  secs: number,
  timeout: number,
): Promise<{ ended: Promise<unknown> }> {
  const clients = await rig.connectClients(4, timeout);
  return {
    ended: Promise.all(
      Array.from({ length: calls }, (_, i) => clients[i % clients.length]!.run((s) => s.timeout(secs), undefined)),
    ),
  };
}

/**
 * (c) Two back ends share the queue; `calls` slow calls are in their hands when one is killed
 * with SIGKILL. With acknowledgement after the RETURN, the killed one's calls go to the other.
 */
export function backEndKill(options: KillOptions = {}): Promise<FaultCounts> {
  const { calls = 200, secs = 3, ackOnReceipt = false, timeout = 30_000 } = options;
  return withRig({ backEnds: 2, backEndArgs: ackOnReceipt ? ['--ack-on-receipt'] : [] }, async (rig) => {
    const { ended } = await slowCalls(rig, calls, secs, timeout);
    const [a, b] = rig.backEnds as [Linked, Linked];
    await until(
      () => callLines(a, 'timeout') + callLines(b, 'timeout') >= calls,
      30_000,
      () => `${callLines(a, 'timeout')} + ${callLines(b, 'timeout')} of ${calls} calls taken`,
    );
    // Well inside the calls' `secs`: every CALL is in a back end's hands, and an acknowledgement on receipt has left.
    await sleep(500);
    const [victim, survivor] = callLines(a, 'timeout') >= callLines(b, 'timeout') ? [a, b] : [b, a];
    const held = callLines(victim, 'timeout');
    const survivorBefore = callLines(survivor, 'timeout');
    await victim.process.stop('SIGKILL');
    await ended;
    await sleep(1_000);
    const servedBySurvivor = callLines(survivor, 'timeout') - survivorBefore;
    return rig.counts(
      `(c) back end SIGKILL, 2 back ends${ackOnReceipt ? ', --ack-on-receipt (original)' : ''}`,
      calls,
      { heldByKilled: held, servedBySurvivor },
      [`the killed back end held ${held} calls; the other served ${servedBySurvivor} more after the kill`],
    );
  });
}

/** (d) One back end holds `calls` slow calls when it is killed; it is started again and serves them. */
export function backEndKillRestart(options: KillOptions = {}): Promise<FaultCounts> {
  const { calls = 50, secs = 2, timeout = 30_000 } = options;
  return withRig({ backEnds: 1 }, async (rig) => {
    const { ended } = await slowCalls(rig, calls, secs, timeout);
    const first = rig.backEnds[0]!;
    await until(
      () => callLines(first, 'timeout') >= calls,
      30_000,
      () => `${callLines(first, 'timeout')} of ${calls} calls taken`,
    );
    await sleep(500);
    await first.process.stop('SIGKILL');
    await sleep(1_000);
    const restarted = await rig.startBackEnd();
    await ended;
    await sleep(1_000);
    const servedAfterRestart = callLines(restarted, 'timeout');
    return rig.counts('(d) back end SIGKILL and restart, 1 back end', calls, { servedAfterRestart }, [
      `the restarted back end served ${servedAfterRestart} calls`,
    ]);
  });
}

/** One `--stats` line of tce-gateway: counters, per-call and per-connection structures, memory (heap after a GC). */
export interface GatewayStats extends GatewayCounters {
  footprint: GatewayFootprint;
  rss: number;
  heapUsed: number;
}

export interface SoakSample {
  /** Calls answered when the sample was taken. */
  calls: number;
  stats: GatewayStats;
}

export interface SoakResult {
  samples: SoakSample[];
  answered: number;
  failed: number;
  callsPerSecond: number;
  /** The gateway process was still running at the end. */
  gatewayRunning: boolean;
}

const STATS = /^tce-gateway gwserver: stats (\{.*\})$/;

/** The first `--stats` line printed after now. */
async function nextStats(gateway: CliProcess): Promise<GatewayStats> {
  const seen = gateway.lines.length;
  await until(
    () => gateway.lines.slice(seen).some((l) => STATS.test(l)) || !gateway.running,
    30_000,
    () => 'a stats line',
  );
  const line = gateway.lines.slice(seen).find((l) => STATS.test(l));
  if (!line) throw new Error(`the gateway exited: ${gateway.stderr.slice(-2_000)}`);
  return JSON.parse(STATS.exec(line)![1]!) as GatewayStats;
}

/**
 * (e) and the soak benchmark: `calls` two-way echo calls through tce-gateway (under
 * `--max-old-space-size=heapMb`, printing `--stats` with a GC before each) + RabbitMQ + a back
 * end, `inFlight` at a time, sampling the gateway's structures and memory every `sampleEvery` calls.
 */
export function gatewaySoak(options: {
  calls: number;
  sampleEvery: number;
  heapMb: number;
  inFlight?: number;
  clients?: number;
}): Promise<SoakResult> {
  const { calls, sampleEvery, heapMb, inFlight = 64, clients = 4 } = options;
  const rigOptions = {
    backEnds: 1,
    backEndArgs: ['--quiet'],
    gatewayArgs: ['--stats', '500'],
    gatewayNodeArgs: [`--max-old-space-size=${heapMb}`, '--expose-gc'],
  };
  return withRig(rigOptions, async (rig) => {
    // Plain clients: a million calls are counted, not remembered one by one.
    const connections = Array.from({ length: clients }, () => createClient(rig.gateway.url, { timeout: 30_000 }));
    const proxies = connections.map((c) => new ServerProxy(c));
    try {
      const samples: SoakSample[] = [{ calls: 0, stats: await nextStats(rig.gateway.process) }];
      let answered = 0;
      let failed = 0;
      let next = 0;
      const started = performance.now();
      const loops = Array.from({ length: inFlight }, async (_, i) => {
        const server = proxies[i % proxies.length]!;
        while (next < calls) {
          next++;
          if ((await server.echo('soak').catch(() => undefined)) === 'Yah! soak') answered++;
          else failed++;
        }
      });
      const sampling = (async () => {
        for (let at = sampleEvery; at <= calls; at += sampleEvery) {
          await until(
            () => answered + failed >= at || !rig.gateway.process.running,
            3_600_000,
            () => `${answered + failed} of ${at} calls`,
          );
          if (!rig.gateway.process.running) return;
          samples.push({ calls: answered + failed, stats: await nextStats(rig.gateway.process) });
        }
      })();
      await Promise.all(loops);
      const seconds = (performance.now() - started) / 1000;
      await sampling;
      return {
        samples,
        answered,
        failed,
        callsPerSecond: Math.round(answered / seconds),
        gatewayRunning: rig.gateway.process.running,
      };
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });
}
