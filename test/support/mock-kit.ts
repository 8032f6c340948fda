// Runs a project's mock back ends in-process on the in-memory broker and calls them straight
// through their queue (no gateway): what the mock unit tests need.
import { ProjectSession } from '../../electron/host/project-session.js';
import { Workspace } from '../../electron/host/workspace.js';
import { startMockBackEnd, type MockBackEnd } from '../../electron/mock/back-end.js';
import type { MockEngine } from '../../electron/mock/engine.js';
import { openProjectMocks } from '../../electron/host/project-mocks.js';
import { createMemoryBroker } from '../../electron/transports/memory.js';
import { resolveOperation } from '../../shared/idl/model.js';
import { MqCallTarget } from '../../shared/rpc/mq-call-target.js';
import { MqReplies } from '../../shared/rpc/mq-replies.js';
import { RpcError } from '../../shared/rpc/errors.js';
import type { Extra, RpcMessage } from '../../shared/wire/message.js';

export interface CallOutcome {
  errcode: number;
  /** The decoded result (undefined for void and errors). */
  value: unknown;
}

export interface MockKit {
  engine: MockEngine;
  backEnds: MockBackEnd[];
  /** Every line the engine logged. */
  logs: string[];
  /** Calls `module.Interface.method` through the back end's queue. */
  call(
    qualifiedMethod: string,
    args: unknown[] | Record<string, unknown>,
    options?: { extra?: Extra; timeout?: number },
  ): Promise<CallOutcome>;
  /** Messages that arrived on the reply queue unasked: pushes. */
  pushes: RpcMessage[];
  close: () => Promise<void>;
}

const REPLY_ENDPOINT = 'kit_replies';

export interface OpenedEngine {
  project: ProjectSession;
  engine: MockEngine;
  logs: string[];
  close: () => Promise<void>;
}

/** The project at `dir` (which must have no errors) and its mock engine; `logs` collects what it logs. */
export async function openMockEngine(dir: string, options: { handlerTimeoutMs?: number } = {}): Promise<OpenedEngine> {
  const logs: string[] = [];
  const log = (level: string, message: string): void => void logs.push(`${level}: ${message}`);
  const project = await ProjectSession.open(dir, { changed: () => undefined, fileChanged: () => undefined, log });
  const errors = project.snapshot().diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the test project has errors: ${errors.map((d) => d.message).join('; ')}`);
  const workspace = new Workspace(project.folder, log);
  const engine = await openProjectMocks(project, workspace, { log, handlerTimeoutMs: options.handlerTimeoutMs });
  return {
    project,
    engine,
    logs,
    close: async () => {
      await engine.close();
      project.close();
    },
  };
}

export async function startMockKit(dir: string, options: { handlerTimeoutMs?: number } = {}): Promise<MockKit> {
  const { project, engine, logs, close } = await openMockEngine(dir, options);
  const log = (level: string, message: string): void => void logs.push(`${level}: ${message}`);
  const broker = createMemoryBroker();
  const backEnds: MockBackEnd[] = [];
  for (const b of engine.catalog.backEnds)
    backEnds.push(
      await startMockBackEnd({ engine, section: b.section, broker, log: (level, line) => log(level, line) }),
    );
  const first = engine.catalog.backEnds[0]!;
  const pushes: RpcMessage[] = [];
  const replies = new MqReplies(
    broker,
    await broker.openReader({ name: REPLY_ENDPOINT, type: 'queue', durable: false, create: 'always', subject: '' }),
    {
      onUnmatched: (message) => void pushes.push(message),
    },
  );
  const target = new MqCallTarget(await broker.openWriter(first.endpoints.read[0]!.address), replies);
  const codec = project.codec;
  return {
    engine,
    backEnds,
    logs,
    pushes,
    call: async (qualifiedMethod, args, callOptions = {}) => {
      const dot = qualifiedMethod.lastIndexOf('.');
      const resolved = resolveOperation(project.model, qualifiedMethod.slice(0, dot), qualifiedMethod.slice(dot + 1));
      if (!resolved) throw new Error(`no operation ${qualifiedMethod}`);
      const { op, ifidx } = resolved;
      const outgoing = {
        ifidx,
        opidx: op.index,
        paramsize: op.params.length,
        params: codec.encodeParams(op, args),
        extra: callOptions.extra,
        timeout: callOptions.timeout ?? 5_000,
      };
      try {
        const reply = await target.call({ ...outgoing, mode: 'twoway' });
        return { errcode: 0, value: codec.decodeResult(op, reply.params) };
      } catch (error) {
        if (error instanceof RpcError) return { errcode: error.code, value: undefined };
        throw error;
      }
    },
    close: async () => {
      await Promise.all(backEnds.map((b) => b.close()));
      await replies.close();
      await broker.close();
      await close();
    },
  };
}
