// The console calling a back end's queue directly (no gateway): a project's qpid endpoint in the
// sandbox, and an ad-hoc amqp://…/<queue> URL on RabbitMQ. Replies come on a private reply queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterCopy } from '../../support/cluster-copy.js';
import type { TargetSpec } from '../../shared/console-api/types.js';
import { path, startSandboxConsole, succeeded, waitForEntries, type SandboxConsole } from './host-kit.js';
import { RABBIT_URL } from '../../support/mq-kit.js';

const ok = succeeded;

describe.each(['memory', 'amqp'] as const)('console → back end queue, sandbox on %s', (broker) => {
  let project: ClusterCopy;
  let c: SandboxConsole;
  let target: TargetSpec;

  beforeAll(async () => {
    c = await startSandboxConsole(broker);
    project = c.project;
    target =
      broker === 'amqp'
        ? { kind: 'url', url: `${RABBIT_URL}/${project.node('mq_server')}` }
        : { kind: 'endpoint', endpoint: 'mq_server' };
  });

  afterAll(async () => {
    await c?.close();
  });

  it('calls echo with extra through the queue, and the feed follows it to the back end and back', async () => {
    const connection = await c.bridge.call('connection.open', { target });
    expect(connection).toMatchObject({ transport: 'amqp', state: { state: 'open' } });
    expect(connection.url).not.toMatch(/guest:guest/);
    const result = ok(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'echo',
        args: ['hello'],
        mode: 'twoway',
        extra: { name: 'scott.bo' },
      }),
    );
    expect(result.value).toBe('Yah! hello');
    const [sent] = await waitForEntries(c.bridge, { hop: 'console', direction: 'out', method: 'echo' });
    expect(sent!.extra['__mq_return__']).toBeDefined();
    const hops = (await c.bridge.call('feed.related', { id: sent!.id })).filter((e) => e.sequence === result.sequence);
    expect(path(hops)).toEqual(['console out', 'server in', 'server out', 'console in']);
    expect(hops.find((e) => e.hop === 'server' && e.direction === 'in')!.extra['name']).toBe('scott.bo');
    const oneway = ok(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'heartbeat',
        args: ['hi'],
        mode: 'oneway',
      }),
    );
    await waitForEntries(c.bridge, { hop: 'server', method: 'heartbeat', text: `call:${oneway.sequence}:` });
  });
});
