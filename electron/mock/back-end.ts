import type { MockSource } from '../../shared/console-api/types.js';
import type { QualifiedName } from '../../shared/idl/model.js';
import { Adapter, type DispatchFailure } from '../../shared/rpc/adapter.js';
import type { Broker } from '../../shared/rpc/connection.js';
import type { MqAdapter } from '../../shared/rpc/mq-adapter.js';
import { serveQueues } from '../../shared/rpc/mq-back-end.js';
import type { MqTrafficEvent } from '../../shared/rpc/mq-traffic.js';
import { OperationTable } from '../../shared/rpc/servant.js';
import { CallType, ExtraKey, type RpcMessage } from '../../shared/wire/message.js';
import type { BackEndPlan } from './catalog.js';
import { MockErrorAnswer, type MockEngine } from './engine.js';
import type { Log } from '../../shared/log.js';

export interface MockBackEndOptions {
  engine: MockEngine;
  /** The config.yml section to serve (from engine.catalog). */
  section: string;
  /** The caller owns it. */
  broker: Broker;
  log: Log;
}

/** MQ traffic of a mock back end; a RETURN says what produced it. */
export type MockTrafficListener = (event: MqTrafficEvent, mock: MockSource | undefined) => void;

export interface MockBackEnd {
  /** The config.yml section. */
  readonly name: string;
  /** The endpoints consumed. */
  readonly serving: readonly string[];
  /** The interfaces answered. */
  readonly serves: readonly QualifiedName[];
  readonly mqAdapter: MqAdapter;
  onTraffic(listener: MockTrafficListener): () => void;
  /** The project's IDL changed: serve its operations from now on (the section's endpoints stay). */
  refresh(): void;
  /** Stops consuming; calls still running answer if the broker is there. */
  close(): Promise<void>;
}

/** Answers remembered for the traffic listeners at most: a RETURN that is never sent must not pile up. */
const MAX_REMEMBERED = 10_000;

/**
 * The mock back end of one config.yml section: consumes its read endpoints and answers every
 * operation of the interfaces routed to them through the engine (override, script, example).
 */
export async function startMockBackEnd(options: MockBackEndOptions): Promise<MockBackEnd> {
  const { engine, section, log } = options;
  const planOf = (): BackEndPlan | undefined => engine.catalog.backEnds.find((b) => b.section === section);
  const plan = planOf();
  if (!plan) throw new Error(`config.yml has no section "${section}" that reads a queue`);
  const onFailure = (f: DispatchFailure): void => {
    if (f.error instanceof MockErrorAnswer) return; // the engine logged it
    log(
      'warn',
      `${f.operation?.name ?? `ifidx ${f.call.ifidx} opidx ${f.call.opidx}`} from ${f.caller.description} failed with error ${f.code}${f.error instanceof Error ? `: ${f.error.message}` : ''}`,
    );
  };
  const adapter = new Adapter({ onFailure });
  // RETURN key → what answered, while someone watches the traffic.
  const answered = new Map<string, MockSource>();
  const listeners = new Set<MockTrafficListener>();
  const remember = (call: RpcMessage, source: MockSource): void => {
    if (listeners.size === 0 || (call.calltype & CallType.ONEWAY) !== 0) return;
    if (answered.size >= MAX_REMEMBERED) answered.delete(answered.keys().next().value!);
    answered.set(replyKey(call, call.extra[ExtraKey.mqReturn]), source);
  };

  let table: OperationTable | undefined;
  let serves: QualifiedName[] = [];
  const refresh = (): void => {
    const current = planOf();
    if (table) adapter.remove(table);
    table = new OperationTable();
    serves = current?.interfaces ?? [];
    for (const op of current?.operations ?? []) {
      const carriers = op.carriers;
      table.add(
        op.owner.index,
        op.op.index,
        op.key,
        async (_params, ctx, result) => {
          try {
            remember(ctx.message, await engine.serve(section, op, carriers, ctx, result));
          } catch (error) {
            if (error instanceof MockErrorAnswer) remember(ctx.message, error.source);
            throw error;
          }
        },
        { returnsValue: op.op.returns.kind !== 'void' },
      );
    }
    adapter.add(table);
  };
  refresh();

  const mqAdapter = await serveQueues({ broker: options.broker, endpoints: plan.endpoints, adapter, log });
  const detach = engine.attach(section, mqAdapter.writers);
  let unsubscribe: (() => void) | undefined;
  return {
    name: section,
    get serving() {
      return mqAdapter.serving;
    },
    get serves() {
      return serves;
    },
    mqAdapter,
    onTraffic(listener) {
      listeners.add(listener);
      unsubscribe ??= mqAdapter.onTraffic((event) => {
        const { message, direction, endpoint } = event;
        let source: MockSource | undefined;
        if (direction === 'out' && (message.calltype & CallType.CALL) === 0) {
          const key = replyKey(message, endpoint);
          source = answered.get(key);
          answered.delete(key);
        }
        for (const l of listeners) l(event, source);
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        unsubscribe?.();
        unsubscribe = undefined;
        answered.clear();
      };
    },
    refresh,
    async close() {
      detach();
      await mqAdapter.close();
    },
  };
}

/** A RETURN carries its CALL's sequence, call_id and `__user_id__`, and goes to the CALL's `__mq_return__`. */
const replyKey = (m: RpcMessage, endpoint: string | undefined): string =>
  `${endpoint ?? ''}|${m.sequence}|${m.callId}|${m.extra[ExtraKey.userId] ?? ''}`;
