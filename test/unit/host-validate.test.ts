// The bridges' parameter checks (shared/console-api/validate.ts): what passes, and what the errors say.
import { describe, expect, it } from 'vitest';
import { checkCall } from '../../shared/console-api/validate.js';

const error = (method: unknown, params: unknown) => {
  const r = checkCall(method, params);
  return r.ok ? undefined : r.error;
};

describe('checkCall', () => {
  it('accepts well-formed calls of every kind', () => {
    expect(checkCall('app.info', undefined)).toMatchObject({ ok: true, params: {} });
    expect(
      checkCall('invoke', {
        connectionId: 'c1',
        interface: 'test.Server',
        method: 'echo',
        args: { text: 'hi' },
        mode: 'async',
        timeoutMs: 3000,
        extra: { name: 'scott.bo' },
      }).ok,
    ).toBe(true);
    expect(
      checkCall('invoke', {
        target: { kind: 'url', url: 'tcp://127.0.0.1:12002' },
        interface: 'test.Server',
        method: 'echo',
        args: ['hi'],
        mode: 'twoway',
      }).ok,
    ).toBe(true);
    expect(checkCall('file.write', { path: 'test.idl', text: '', baseVersion: null }).ok).toBe(true);
    expect(checkCall('feed.query', { limit: 10, filter: { hop: 'queue', extra: { name: 'x' } } }).ok).toBe(true);
    expect(
      checkCall('workspace.setEnvironments', {
        environments: [{ name: 'dev', variables: { host: 'h' }, extraDefaults: {} }],
      }).ok,
    ).toBe(true);
  });

  it('names the method and the place of the problem', () => {
    expect(error('nope', {})).toEqual({ code: 'unknown-method', message: 'unknown method string "nope"' });
    expect(error('__proto__', {})?.code).toBe('unknown-method');
    expect(error('project.open', {})).toEqual({
      code: 'invalid-params',
      message: 'project.open: params.path: missing',
    });
    expect(error('project.open', { path: 3 })?.message).toBe(
      'project.open: params.path: expected a string, got number 3',
    );
    expect(error('feed.query', { limit: 0 })?.message).toMatch(/params\.limit: expected an integer from 1/);
    expect(
      error('invoke', { connectionId: 'c1', interface: 'Server', method: 'echo', args: [], mode: 'twoway' })?.message,
    ).toMatch(/params\.interface: expected module\.Interface/);
    expect(
      error('invoke', {
        connectionId: 'c1',
        interface: 'test.Server',
        method: 'echo',
        args: [Number.NaN],
        mode: 'twoway',
      })?.message,
    ).toMatch(/params\.args\[0\]: NaN is not a JSON number/);
    expect(error('connection.open', { target: { kind: 'ftp', url: 'x' } })?.message).toMatch(
      /params\.target\.kind: expected one of "endpoint", "url"/,
    );
    expect(
      error('workspace.saveCall', {
        call: { name: 'a/../b', interface: 'test.Server', method: 'echo', args: [], mode: 'twoway' },
      })?.message,
    ).toMatch(/params\.call\.name: must be a file name/);
    expect(error('feed.clear', { all: true })?.message).toBe('feed.clear: params: unknown field "all"');
    expect(
      error('invoke', {
        connectionId: 'c1',
        interface: 'test.Server',
        method: 'echo',
        args: new Map() as unknown,
        mode: 'twoway',
      })?.message,
    ).toMatch(/params\.args: an object is not JSON/);
  });

  it('checks mock overrides and pushes', () => {
    expect(
      checkCall('mocks.setOverride', {
        interface: 'shop.Catalog',
        method: 'item',
        override: { answer: { kind: 'result', value: { id: 1 } }, delayMs: 200 },
      }).ok,
    ).toBe(true);
    expect(checkCall('mocks.setOverride', { interface: 'shop.Catalog', method: 'item', override: null }).ok).toBe(true);
    expect(
      checkCall('push.send', {
        interface: 'shop.IShopClient',
        method: 'onNotice',
        args: { text: 'x' },
        to: { kind: 'all' },
      }).ok,
    ).toBe(true);
    expect(checkCall('sandbox.start', { mode: 'backends' }).ok).toBe(true);
    expect(
      error('mocks.setOverride', {
        interface: 'shop.Catalog',
        method: 'item',
        override: { answer: { kind: 'error', code: 0 } },
      })?.message,
    ).toMatch(/params\.override\.answer\.code: expected an integer from 1/);
    expect(
      error('mocks.setOverride', { interface: 'shop.Catalog', method: 'item', override: { delayMs: 4_000_000 } })
        ?.message,
    ).toMatch(/params\.override\.delayMs: expected an integer from 0 to 3600000/);
    expect(
      error('mocks.setOverride', {
        interface: 'shop.Catalog',
        method: 'item',
        override: { answer: { kind: 'fixed', value: 1 } },
      })?.message,
    ).toMatch(/params\.override\.answer\.kind: expected one of "result", "error"/);
    expect(
      error('push.send', {
        interface: 'shop.IShopClient',
        method: 'onNotice',
        args: [],
        to: { kind: 'user', gateway: 'shopgw' },
      })?.message,
    ).toBe('push.send: params.to.userId: missing');
    expect(error('sandbox.start', { mode: 'half' })?.message).toMatch(
      /params\.mode: expected one of "full", "gateways", "backends"/,
    );
  });
});
