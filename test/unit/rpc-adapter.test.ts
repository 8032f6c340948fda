import { describe, expect, it } from 'vitest';
import { Adapter, type DispatchFailure } from '../../shared/rpc/adapter.js';
import { OperationTable, Servant } from '../../shared/rpc/servant.js';
import { rpcMessage, type RpcMessage } from '../../shared/wire/message.js';

const caller = { id: 1, description: 'test caller' };

class Echo extends Servant {
  protected override describe(table: OperationTable): void {
    table.add(
      2,
      0,
      'test.Server.echo',
      (p, ctx, out) => {
        ctx.replyExtra['seen'] = ctx.userId ?? 'none';
        out.string(p.string());
      },
      { returnsValue: true },
    );
    table.add(2, 1, 'test.Server.later', async (p, _ctx, out) => {
      await Promise.resolve();
      out.i32(p.i32());
    });
    table.add(2, 2, 'test.Server.nothing', () => {});
    table.add(2, 3, 'test.Server.reject', async () => {
      throw new Error('no');
    });
  }
}

/** Dispatches one call and returns what was answered (undefined = nothing). */
async function run(adapter: Adapter, call: RpcMessage, userId?: string): Promise<RpcMessage | undefined> {
  let answer: RpcMessage | undefined;
  await adapter.dispatch(call, caller, userId, (r) => (answer = r));
  return answer;
}

describe('Adapter dispatch rules (spec §2.3, §2.4)', () => {
  const failures: DispatchFailure[] = [];
  const adapter = new Adapter({ onFailure: (f) => failures.push(f) }).add(new Echo());

  it('answers a call synchronously for a synchronous servant, copying header fields and __user_id__', () => {
    let answer: RpcMessage | undefined;
    const pending = adapter.dispatch(
      rpcMessage({
        sequence: 42,
        ifidx: 2,
        opidx: 0,
        callId: 0x8000,
        extra: { __user_id__: 'u7', other: 'x' },
        params: Uint8Array.of(0, 0, 0, 1, 0x61),
      }),
      caller,
      'u7',
      (r) => (answer = r),
    );
    expect(pending).toBeUndefined();
    expect(answer).toMatchObject({
      sequence: 42,
      calltype: 0x02,
      ifidx: 2,
      opidx: 0,
      callId: 0x8000,
      errcode: 0,
      paramsize: 1,
      extra: { seen: 'u7', __user_id__: 'u7' },
    });
    expect([...answer!.params]).toEqual([0, 0, 0, 1, 0x61]);
  });

  it('sets paramsize from the bytes written when the operation does not say', async () => {
    expect((await run(adapter, rpcMessage({ ifidx: 2, opidx: 1, params: Uint8Array.of(0, 0, 0, 0) })))!.paramsize).toBe(
      1,
    );
    expect((await run(adapter, rpcMessage({ ifidx: 2, opidx: 2 })))!.paramsize).toBe(0);
  });

  it('answers 4 for an unknown interface or operation, and 6 for failures, keeping call_id', async () => {
    failures.length = 0;
    expect(await run(adapter, rpcMessage({ sequence: 1, ifidx: 5, callId: 0x8001 }))).toMatchObject({
      errcode: 4,
      ifidx: 0,
      opidx: 0,
      callId: 0x8001,
      extra: {},
    });
    expect(await run(adapter, rpcMessage({ sequence: 2, ifidx: 2, opidx: 9 }))).toMatchObject({ errcode: 4 });
    expect(
      await run(adapter, rpcMessage({ sequence: 3, ifidx: 2, opidx: 0, params: Uint8Array.of(0, 0) })),
    ).toMatchObject({ errcode: 6 });
    expect(await run(adapter, rpcMessage({ sequence: 4, ifidx: 2, opidx: 3 }))).toMatchObject({
      errcode: 6,
      sequence: 4,
    });
    expect(failures.map((f) => [f.code, f.operation?.name])).toEqual([
      [4, undefined],
      [4, undefined],
      [6, 'test.Server.echo'],
      [6, 'test.Server.reject'],
    ]);
    expect(String(failures[2]!.error)).toMatch(/truncated|needs 4 byte/);
  });

  it('never answers one-way calls, not even failures, yet reports the failures', async () => {
    failures.length = 0;
    expect(await run(adapter, rpcMessage({ calltype: 0x21, ifidx: 2, opidx: 2 }))).toBeUndefined();
    expect(await run(adapter, rpcMessage({ calltype: 0x21, ifidx: 5 }))).toBeUndefined();
    expect(await run(adapter, rpcMessage({ calltype: 0x21, ifidx: 2, opidx: 3 }))).toBeUndefined();
    expect(failures.map((f) => f.code)).toEqual([4, 6]);
  });

  it('refuses two servants for one operation, and forgets a removed servant', async () => {
    const other = new OperationTable();
    other.add(2, 0, 'other.echo', () => {});
    const a = new Adapter().add(new Echo());
    expect(() => a.add(other)).toThrow(/test.Server.echo/);
    const echo = new Echo();
    const b = new Adapter().add(echo);
    b.remove(echo);
    expect(b.operation(2, 0)).toBeUndefined();
    expect(b.add(other).operation(2, 0)!.name).toBe('other.echo');
  });
});
