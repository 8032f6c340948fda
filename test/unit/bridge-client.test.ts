// The bridge protocol's client half (shared/console-api/bridge-client.ts), fed frames by hand:
// both the renderer's WebSocketBridge and Node's connectWebBridge run on it.
import { describe, expect, it } from 'vitest';
import { BridgeClientCore } from '../../shared/console-api/bridge-client.js';
import { ConsoleError, type BridgeFrame } from '../../shared/console-api/api.js';

const text = (frame: BridgeFrame): string => JSON.stringify(frame);

describe('BridgeClientCore', () => {
  it('numbers calls and settles each with its own result or error frame, in any order', async () => {
    const core = new BridgeClientCore();
    const first = core.call('feed.decode', { id: 1 });
    const second = core.call('project.open', { path: '/x' });
    expect(JSON.parse(first.text)).toEqual({ type: 'call', id: 1, method: 'feed.decode', params: { id: 1 } });
    expect(JSON.parse(second.text)).toMatchObject({ type: 'call', id: 2, method: 'project.open' });
    core.receive(text({ type: 'error', id: 2, error: { code: 'not-found', message: 'no /x' } }));
    core.receive(text({ type: 'result', id: 1, result: { ok: false, reason: 'r', hex: '' } }));
    await expect(first.result).resolves.toEqual({ ok: false, reason: 'r', hex: '' });
    const error = await second.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleError);
    expect(error).toMatchObject({ code: 'not-found', message: 'no /x' });
  });

  it('hands events to the listeners of that event until they unsubscribe', () => {
    const core = new BridgeClientCore();
    const seen: string[] = [];
    const off = core.on('project.closed', (p) => seen.push(p.root));
    core.on('file.changed', (p) => seen.push(`file ${p.path}`));
    core.receive(text({ type: 'event', event: 'project.closed', payload: { root: '/a' } }));
    off();
    core.receive(text({ type: 'event', event: 'project.closed', payload: { root: '/b' } }));
    core.receive(text({ type: 'event', event: 'file.changed', payload: { path: 'f', version: 'v' } }));
    expect(seen).toEqual(['/a', 'file f']);
  });

  it('fails every call in flight when the link goes, and ignores what answers nothing', async () => {
    const core = new BridgeClientCore();
    const pending = core.call('app.info', {});
    core.receive('not json');
    core.receive(text({ type: 'result', id: 99, result: null }));
    core.receive(text({ type: 'call', id: 1, method: 'app.info', params: {} }));
    core.fail(new ConsoleError('io', 'gone'));
    await expect(pending.result).rejects.toMatchObject({ code: 'io', message: 'gone' });
    core.receive(text({ type: 'result', id: 1, result: null })); // too late: nothing left to settle
  });
});
