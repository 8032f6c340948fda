// The one logger signature and its trace categories (shared/log.ts), chosen by TCE_TRACE.
import { afterEach, describe, expect, it } from 'vitest';
import { traceFromEnvironment } from '../../electron/log.js';
import { createMemoryBroker } from '../../electron/transports/memory.js';
import { isTraced, setTracing, trace, type Log, type LogLevel } from '../../shared/log.js';

const recorder = () => {
  const lines: [LogLevel, string][] = [];
  const log: Log = (level, message) => void lines.push([level, message]);
  return { lines, log };
};

afterEach(() => void setTracing(undefined));

describe('trace categories', () => {
  it('traces the categories TCE_TRACE names, all of them with `all`, none by default', () => {
    expect(isTraced('gateway')).toBe(false);
    expect(setTracing(' gateway, AMQP ,')).toEqual([]);
    expect([isTraced('gateway'), isTraced('amqp'), isTraced('rpc')]).toEqual([true, true, false]);
    setTracing('all');
    expect(isTraced('rpc') && isTraced('host') && isTraced('memory')).toBe(true);
  });

  it('returns the names it does not know, and keeps the ones it does', () => {
    expect(setTracing('gateway,gatway')).toEqual(['gatway']);
    expect(isTraced('gateway')).toBe(true);
  });

  it('builds and writes a trace line only when its category is traced', () => {
    const { lines, log } = recorder();
    let built = 0;
    const message = () => `built ${++built}`;
    trace(log, 'gateway', message);
    expect([lines, built]).toEqual([[], 0]);
    setTracing('gateway');
    trace(log, 'gateway', message);
    trace(log, 'amqp', message);
    expect(lines).toEqual([['trace', '[gateway] built 1']]);
  });

  it("reaches a component's log from the environment: TCE_TRACE=memory traces the in-memory broker", async () => {
    const { lines, log } = recorder();
    const address = { name: 'tce-test-trace', type: 'queue', durable: false, create: 'always', subject: '' } as const;
    const quiet = createMemoryBroker({ log });
    await quiet.openWriter(address);
    expect(lines).toEqual([]);
    traceFromEnvironment({ TCE_TRACE: 'memory' });
    const traced = createMemoryBroker({ log });
    await traced.openReader(address);
    expect(lines).toEqual([['trace', '[memory] reader for queue "tce-test-trace" open']]);
    await Promise.all([quiet.close(), traced.close()]);
  });
});
