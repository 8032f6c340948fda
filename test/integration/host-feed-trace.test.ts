// The host's side of the feed as a trace viewer: the filter language in feed.query and
// feed.export (payload search with the project's IDL, errors with their column), decoded payloads
// in exports, error RETURNs named after their call, the gateway of every user id, sub-millisecond
// times, entries revised once the gateway names a new connection's user, and sandbox runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedBatch, FeedEntry } from '../../shared/console-api/types.js';
import { fromNdjson } from '../../shared/console-api/feed-ndjson.js';
import { startSandboxConsole, succeeded, waitForEntries, sleep, type SandboxConsole } from './host-kit.js';

const GATEWAY = { kind: 'endpoint', endpoint: 'socket_gateway' } as const;

describe('host feed as a trace viewer', () => {
  let c: SandboxConsole;
  const batches: FeedBatch[] = [];

  beforeAll(async () => {
    c = await startSandboxConsole('memory');
    c.bridge.on('feed.batch', (b) => batches.push(b));
    await c.bridge.call('feed.subscribe', {});
  });
  afterAll(async () => {
    await c?.close();
  });

  it('searches decoded arguments and results with the filter language, and says where a query is wrong', async () => {
    const run = `r${Date.now()}`;
    succeeded(
      await c.bridge.call('invoke', {
        target: GATEWAY,
        interface: 'test.Server',
        method: 'echo',
        args: [`needle ${run}`],
        mode: 'twoway',
        extra: { run },
      }),
    );
    // The CALL's four hops hold the argument; the RETURN's four the result "Yah! needle …".
    const found = await waitForEntries(c.bridge, { query: `"needle ${run}"` }, 8);
    expect(found).toHaveLength(8);
    expect(new Set(found.map((e) => e.kind))).toEqual(new Set(['call', 'return']));
    expect(await waitForEntries(c.bridge, { query: `"yah! needle ${run}" hop:server` })).toHaveLength(1);
    expect(
      await waitForEntries(c.bridge, { query: `extra.run=${run} -hop:console (hop:queue OR hop:server)` }, 2),
    ).toHaveLength(2);
    // Whole calls: one entry matches, all eight come.
    expect(await waitForEntries(c.bridge, { query: `extra.run=${run} hop:server`, wholeCalls: true }, 8)).toHaveLength(
      8,
    );
    await expect(c.bridge.call('feed.query', { limit: 10, filter: { query: 'hop:moon' } })).rejects.toMatchObject({
      code: 'invalid-params',
      message: 'filter query, column 1: hop: is console, proxy, gateway, queue or server, not "moon"',
    });
    await expect(c.bridge.call('feed.export', { filter: { query: 'a (b' } })).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/column 3: this \( is never closed/),
    });
  });

  it('exports each entry with its decoded payload beside raw, and imports such a file back', async () => {
    const run = `r${Date.now()}`;
    succeeded(
      await c.bridge.call('invoke', {
        target: GATEWAY,
        interface: 'test.Server',
        method: 'echo',
        args: [`export ${run}`],
        mode: 'twoway',
        extra: { run },
      }),
    );
    await waitForEntries(c.bridge, { query: `extra.run=${run}`, wholeCalls: true }, 8);
    const { ndjson, count } = await c.bridge.call('feed.export', {
      filter: { query: `extra.run=${run}`, wholeCalls: true },
    });
    expect(count).toBe(8);
    const lines = fromNdjson(ndjson);
    expect(lines.filter((l) => l.kind === 'call').map((l) => l.decoded)).toEqual(
      Array(4).fill({
        ok: true,
        interface: 'test.Server',
        method: 'echo',
        kind: 'params',
        value: { text: `export ${run}` },
      }),
    );
    expect(
      lines
        .filter((l) => l.kind === 'return')
        .every((l) => l.decoded?.ok && l.decoded.kind === 'result' && l.decoded.value === `Yah! export ${run}`),
    ).toBe(true);
    expect((await c.bridge.call('feed.import', { ndjson })).count).toBe(8);
  });

  it('names an error RETURN after the call it answers at each hop, and decodes it as its code and reason', async () => {
    const run = `r${Date.now()}`;
    // No route takes test.ITerminal from a client: the gateway answers error 4 at once.
    const result = await c.bridge.call('invoke', {
      target: GATEWAY,
      interface: 'test.ITerminal',
      method: 'onMessage',
      args: [run],
      mode: 'twoway',
      extra: { run },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 4 } });
    const [call] = await waitForEntries(c.bridge, { query: `extra.run=${run} hop:console` });
    const errors = await waitForEntries(c.bridge, { query: `call:"${call!.correlation}" kind:error` }, 2);
    expect(errors.map((e) => `${e.hop} ${e.direction}`)).toEqual(['gateway out', 'console in']);
    for (const e of errors) {
      expect([e.ifidx, e.opidx, e.interface, e.method]).toEqual([0, 0, 'test.ITerminal', 'onMessage']);
      expect(await c.bridge.call('feed.decode', { id: e.id })).toEqual({
        ok: true,
        kind: 'error',
        code: 4,
        codeName: 'RPCERROR_INTERFACE_NOTFOUND',
        reason: 'the server has no servant for this interface or operation',
      });
    }
    expect(
      await waitForEntries(
        c.bridge,
        { query: `method:test.ITerminal.onMessage errcode:INTERFACE_NOTFOUND call:"${call!.correlation}"` },
        2,
      ),
    ).toHaveLength(2);
  });

  it("says which gateway numbered each user, times hops below the millisecond, and sends a new connection's first entries again once its user is known", async () => {
    const run = `r${Date.now()}`;
    const connection = await c.bridge.call('connection.open', { target: GATEWAY });
    succeeded(
      await c.bridge.call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'echo',
        args: [run],
        mode: 'twoway',
        extra: { run },
      }),
    );
    const all = await waitForEntries(c.bridge, { query: `extra.run=${run}`, wholeCalls: true }, 8);
    const users = new Set(all.map((e) => `${e.gateway}/${e.userId}`));
    expect(users.size).toBe(1);
    expect([...users][0]).toMatch(/^gwserver\/\d+$/);
    expect(all.some((e) => !Number.isInteger(e.time))).toBe(true);
    const back = all.find((e) => e.hop === 'console' && e.kind === 'return')!;
    expect(back.latencyMs).toBeGreaterThan(0);
    // The first CALL on the connection was recorded before the gateway said who it is: subscribers get it again, settled.
    const first = all.find((e) => e.hop === 'console' && e.kind === 'call')!;
    const deadline = Date.now() + 5_000;
    let seen: FeedEntry | undefined;
    while (Date.now() < deadline) {
      seen = batches
        .flatMap((b) => [...b.entries, ...(b.revised ?? [])])
        .filter((e) => e.id === first.id)
        .at(-1);
      if (seen?.userId !== undefined) break;
      await sleep(20);
    }
    expect(seen).toMatchObject({ userId: first.userId, gateway: 'gwserver', correlation: first.correlation });
    await c.bridge.call('connection.close', { id: connection.id });
  });

  it('counts sandbox runs: after a restart, the state says from which entry users are numbered anew', async () => {
    const lastId = (await c.bridge.call('feed.stats', {})).lastId ?? 0;
    await c.bridge.call('sandbox.stop', {});
    const state = await c.bridge.call('sandbox.start', { broker: 'memory' });
    expect(state).toMatchObject({ state: 'running', run: 2, feedAfterId: lastId });
  });
});
