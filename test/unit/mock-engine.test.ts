// The mock engine (electron/mock/): what its back ends answer — examples, scripts, overrides —
// called through their queue on the in-memory broker. Scripts run in the built worker:
// `npm run build` first.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compile } from '../../shared/idl/compile.js';
import { allOperations } from '../../shared/idl/model.js';
import { exampleParams, exampleValue } from '../../shared/wire/example.js';
import { toJsonValue } from '../../shared/wire/json-value.js';
import { ConsoleError } from '../../shared/console-api/api.js';
import { handlerKeys } from '../../electron/mock/engine.js';
import { startMockKit, type MockKit } from '../support/mock-kit.js';
import { shopProject, type ShopProject } from '../support/shop-project.js';

/** Reloads and worker restarts are asynchronous, and slow on a loaded machine. */
const RELOAD_WAIT = { timeout: 5_000, interval: 50 };

const ALL_TYPES = readFileSync(join(import.meta.dirname, '../../idl-samples/all-types.idl'), 'utf8');

describe('mock engine, all-types.idl', () => {
  let project: ShopProject;
  let kit: MockKit;
  beforeEach(async () => {
    project = shopProject('mock-alltypes', { script: false });
    // The same layout, serving the all-types interfaces instead of the shop's.
    const model = compile([{ path: 'all-types.idl', text: ALL_TYPES }]).model;
    const ids = Object.values(model.interfaces)
      .map((i) => `<if id="${i.index}" name="${i.qname}"/>`)
      .join('');
    const routes = Object.keys(model.interfaces)
      .map(
        (q) =>
          `<route if="${q}"><call in="shop_tcp" out="shop_backend"/><return in="shop_replies" out="shop_tcp"/></route>`,
      )
      .join('');
    const xml = readFileSync(join(project.dir, 'services.xml'), 'utf8');
    project.write('shop.idl', ALL_TYPES);
    project.write(
      'services.xml',
      xml
        .replace(/<InterfaceDef>[\s\S]*<\/InterfaceDef>/, `<InterfaceDef>${ids}</InterfaceDef>`)
        .replace(
          /<server name="shopgw"[\s\S]*<\/servers>/,
          `<server name="shopgw">${routes}<properties><property name="listen" value="shop_tcp,shop_replies"/><property name="loopback" value="shop_backend#shop_replies"/></properties></server></servers>`,
        ),
    );
    kit = await startMockKit(project.dir);
  });
  afterEach(async () => {
    await kit.close();
    project.removeFiles();
  });

  it('answers every operation, inherited ones included, with the example of its return type', async () => {
    const model = kit.engine.model;
    const more = model.interfaces['alltypes.MoreTypes']!;
    const operations = allOperations(model, more);
    expect(operations.length).toBe(15);
    for (const op of operations) {
      const outcome = await kit.call(`alltypes.MoreTypes.${op.name}`, exampleParams(model, op));
      expect(outcome.errcode, op.name).toBe(0);
      expect(toJsonValue(outcome.value), op.name).toEqual(exampleValue(model, op.returns));
    }
    const echoList = kit.engine.state().operations.find((o) => o.method === 'echoList')!;
    // Inherited: listed once, under the declaring interface and its index.
    expect(echoList).toMatchObject({
      interface: 'alltypes.AllTypes',
      ifidx: model.interfaces['alltypes.AllTypes']!.index,
      behaviour: 'example',
      calls: 1,
      backEnds: ['shopd'],
    });
  });
});

describe('mock engine, a project of its own', () => {
  let project: ShopProject;
  let kit: MockKit | undefined;
  const start = async (options: { handlerTimeoutMs?: number } = {}): Promise<MockKit> =>
    (kit = await startMockKit(project.dir, options));
  beforeEach(() => {
    project = shopProject('mock-shop');
  });
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
    project.removeFiles();
  });

  it('resolves handlers: the declaring interface first, then interfaces that inherit the operation', async () => {
    const k = await start();
    const version = k.engine.catalog.operations.get('shop.Base.version')!;
    expect(handlerKeys(version, version.carriers)).toEqual(['shop.Base.version', 'shop.Catalog.version']);
    expect(await k.call('shop.Catalog.version', [])).toEqual({ errcode: 0, value: 'shop 2.0' });
    expect(k.engine.state().operations.find((o) => o.method === 'version')).toMatchObject({
      interface: 'shop.Base',
      behaviour: 'script',
      script: { file: 'mocks/shop.mjs', key: 'shop.Catalog.version' },
    });
    // A second script naming the declaring interface wins over the derived one.
    project.write('mocks/two.mjs', `export default { 'shop.Base': { version: () => 'base' } };\n`);
    await vi.waitFor(
      async () => expect(await k.call('shop.Catalog.version', [])).toEqual({ errcode: 0, value: 'base' }),
      RELOAD_WAIT,
    );
    expect(k.engine.state().operations.find((o) => o.method === 'version')?.script).toEqual({
      file: 'mocks/two.mjs',
      key: 'shop.Base.version',
    });
  });

  it('answers scripted values, examples for the rest, keeps state, and counts calls', async () => {
    const k = await start();
    expect(await k.call('shop.Catalog.item', [7])).toEqual({
      errcode: 0,
      value: { id: 7, name: 'item 7', price: 9.5 },
    });
    expect(await k.call('shop.Catalog.search', ['tea', 2])).toEqual({
      errcode: 0,
      value: [
        { id: 1, name: 'tea 1', price: 1 },
        { id: 2, name: 'tea 2', price: 1 },
      ],
    });
    expect(await k.call('shop.Catalog.stock', [['a']])).toEqual({ errcode: 0, value: new Map([['key', 1]]) });
    expect(await k.call('shop.Catalog.count', [])).toEqual({ errcode: 0, value: 1n });
    expect(await k.call('shop.Catalog.touch', ['a'])).toEqual({ errcode: 0, value: undefined });
    expect((await k.call('shop.Orders.place', [{ id: 1, name: 'x', price: 1 }, 2])).value).toBe(2);
    expect((await k.call('shop.Orders.place', [{ id: 1, name: 'x', price: 1 }, 3])).value).toBe(5);
    const ops = new Map(k.engine.state().operations.map((o) => [`${o.interface}.${o.method}`, o]));
    expect(ops.get('shop.Orders.place')).toMatchObject({ behaviour: 'script', calls: 2 });
    expect(ops.get('shop.Catalog.stock')).toMatchObject({ behaviour: 'example', calls: 1 });
    // Client interfaces are not served.
    expect(ops.has('shop.IShopClient.onPrice')).toBe(false);
    expect(
      k.logs.some((l) =>
        l.includes(
          'shopd: shop.Catalog.item {"id":7} user=- → {"id":7,"name":"item 7","price":9.5} (script mocks/shop.mjs)',
        ),
      ),
    ).toBe(true);
  });

  it('pushes from a handler to the caller through the queue the call named', async () => {
    const k = await start();
    expect(await k.call('shop.Orders.watch', ['tea'], { extra: { __user_id__: '42' } })).toEqual({
      errcode: 0,
      value: undefined,
    });
    await vi.waitFor(() => expect(k.pushes).toHaveLength(1), RELOAD_WAIT);
    const push = k.pushes[0]!;
    expect(push).toMatchObject({ ifidx: 3, opidx: 0, calltype: 0x21, extra: { __user_id__: '42' } });
  });

  it('answers 6, with a log line naming the operation and the field, when a value does not fit', async () => {
    project.write(
      'mocks/shop.mjs',
      `export default { 'shop.Catalog.item': ({ id }) => ({ id: 'seven', name: 'x', price: 1 }), 'shop.Catalog.count': () => 2 ** 70 };\n`,
    );
    const k = await start();
    expect(await k.call('shop.Catalog.item', [7])).toEqual({ errcode: 6, value: undefined });
    expect(k.logs.find((l) => l.includes('shop.Catalog.item {"id":7}'))).toMatch(
      /error 6: the script mocks\/shop\.mjs answer does not fit the declared type of shop\.Catalog\.item: result\.id: expected int/,
    );
    expect(await k.call('shop.Catalog.count', [])).toEqual({ errcode: 6, value: undefined });
    // The back end still answers.
    expect((await k.call('shop.Catalog.search', ['x', 0])).errcode).toBe(0);
  });

  it('answers an error RETURN when a handler throws, fails, hangs or loops, and keeps answering', async () => {
    project.write(
      'mocks/shop.mjs',
      `export default {
  'shop.Catalog.item': () => { throw new Error('out of stock'); },
  'shop.Catalog.count': (_a, ctx) => ctx.fail(7, 'not counted'),
  'shop.Catalog.search': () => new Promise(() => {}),
  'shop.Catalog.stock': () => { for (;;) {} },
  'shop.Orders.slow': async ({ ms }, ctx) => { await ctx.delay(ms); return 'slept ' + ms; },
};
`,
    );
    const k = await start({ handlerTimeoutMs: 300 });
    expect(await k.call('shop.Catalog.item', [1])).toEqual({ errcode: 6, value: undefined });
    expect(
      k.logs.some((l) => /shop\.Catalog\.item .* error 6 \(script mocks\/shop\.mjs threw: out of stock\)/.test(l)),
    ).toBe(true);
    expect(await k.call('shop.Catalog.count', [])).toEqual({ errcode: 7, value: undefined });
    expect(await k.call('shop.Catalog.search', ['x', 1])).toEqual({ errcode: 6, value: undefined });
    // ctx.delay moves the deadline: 600 ms of waiting within a 300 ms handler time.
    expect(await k.call('shop.Orders.slow', [600])).toEqual({ errcode: 0, value: 'slept 600' });
    // An endless loop: answered at its deadline, the worker restarted, the next calls answered.
    expect(await k.call('shop.Catalog.stock', [['a']])).toEqual({ errcode: 6, value: undefined });
    await vi.waitFor(() => expect(k.logs.some((l) => l.includes('blocks the script worker'))).toBe(true), RELOAD_WAIT);
    await vi.waitFor(
      async () => expect(await k.call('shop.Catalog.count', [])).toEqual({ errcode: 7, value: undefined }),
      RELOAD_WAIT,
    );
  });

  it('reloads a script when it changes; one that does not load is a problem at file:line and the others keep working', async () => {
    project.write('mocks/other.mjs', `export default { 'shop.Catalog.count': () => 5 };\n`);
    const k = await start();
    expect(await k.call('shop.Catalog.item', [1])).toMatchObject({ errcode: 0, value: { name: 'item 1' } });
    project.write(
      'mocks/shop.mjs',
      `export default { 'shop.Catalog.item': ({ id }) => ({ id, name: 'changed', price: 0 }) };\n`,
    );
    await vi.waitFor(
      async () => expect((await k.call('shop.Catalog.item', [1])).value).toEqual({ id: 1, name: 'changed', price: 0 }),
      RELOAD_WAIT,
    );
    project.write('mocks/shop.mjs', `export default {\n  'shop.Catalog.item': ({ id }) => id id,\n};\n`);
    await vi.waitFor(() => expect(k.engine.problems()).toHaveLength(1), RELOAD_WAIT);
    const [problem] = k.engine.problems();
    expect(problem).toMatchObject({
      severity: 'error',
      code: 'mock-script',
      range: { file: join(project.dir, 'mocks/shop.mjs'), start: { line: 2 } },
    });
    expect(problem!.message).toMatch(/mocks\/shop\.mjs does not load: SyntaxError/);
    expect(problem!.range.start.column).toBeGreaterThan(1);
    expect(await k.call('shop.Catalog.count', [])).toEqual({ errcode: 0, value: 5n });
    // Without its script, item answers its example.
    expect(await k.call('shop.Catalog.item', [1])).toEqual({ errcode: 0, value: { id: 1, name: 'text', price: 1.5 } });
    // A script that throws while loading says where.
    project.write('mocks/shop.mjs', `const x = 1;\nthrow new Error('no config');\nexport default {};\n`);
    await vi.waitFor(() => expect(k.engine.problems()[0]?.message).toMatch(/no config/), RELOAD_WAIT);
    expect(k.engine.problems()[0]!.range.start).toMatchObject({ line: 2, column: 7 });
  });

  it('refuses a script that leads outside the project (a symbolic link) and says so; the others load', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tce-mock-outside-'));
    try {
      writeFileSync(join(outside, 'evil.mjs'), `export default { 'shop.Catalog.count': () => 666 };\n`);
      symlinkSync(join(outside, 'evil.mjs'), join(project.dir, 'mocks/a-link.mjs'));
      const k = await start();
      const [problem] = k.engine.problems();
      expect(k.engine.problems()).toHaveLength(1);
      expect(problem).toMatchObject({ severity: 'error', range: { file: join(project.dir, 'mocks/a-link.mjs') } });
      expect(problem!.message).toMatch(/leads to .*evil\.mjs, outside the project folder/);
      expect(await k.call('shop.Catalog.count', [])).not.toMatchObject({ value: 666n });
      expect(await k.call('shop.Catalog.item', [1])).toMatchObject({ errcode: 0, value: { id: 1 } });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reports keys that name nothing, values that are not handlers, and handlers for client interfaces', async () => {
    project.write(
      'mocks/shop.mjs',
      `export default {\n  'shop.Catalog.itme': () => 1,\n  'shop.IShopClient.onPrice': () => undefined,\n  'shop.Orders': { place: 3 },\n};\n`,
    );
    const k = await start();
    const problems = k.engine.problems().map((p) => `${p.range.start.line} ${p.severity} ${p.message}`);
    expect(problems).toEqual([
      expect.stringMatching(/^4 error shop\.Orders\.place is number 3, not a handler function/),
      expect.stringMatching(/^2 warning shop\.Catalog\.itme: names no operation/),
      expect.stringMatching(/^3 warning shop\.IShopClient\.onPrice: shop\.IShopClient is implemented by clients/),
    ]);
  });

  it('overrides from the console: an error code, a fixed result, a delay; saved in .tce-console/mocks.json', async () => {
    const k = await start();
    await k.engine.setOverride('shop.Catalog', 'item', { answer: { kind: 'error', code: 4, reason: 'gone' } });
    expect(await k.call('shop.Catalog.item', [1])).toEqual({ errcode: 4, value: undefined });
    // Set on the derived interface, kept under the declaring one.
    await k.engine.setOverride('shop.Catalog', 'version', { answer: { kind: 'result', value: 'pinned' }, delayMs: 50 });
    expect(await k.call('shop.Catalog.version', [])).toEqual({ errcode: 0, value: 'pinned' });
    const saved = JSON.parse(readFileSync(join(project.dir, '.tce-console/mocks.json'), 'utf8')) as {
      overrides: Record<string, unknown>;
    };
    expect(Object.keys(saved.overrides).sort()).toEqual(['shop.Base.version', 'shop.Catalog.item']);
    expect(k.engine.state().operations.find((o) => o.method === 'item')).toMatchObject({
      behaviour: 'override',
      override: { answer: { kind: 'error', code: 4 } },
    });
    await expect(
      k.engine.setOverride('shop.Catalog', 'item', { answer: { kind: 'result', value: { id: 'x' } } }),
    ).rejects.toThrow(ConsoleError);
    await k.engine.setOverride('shop.Catalog', 'item', null);
    expect(await k.call('shop.Catalog.item', [1])).toMatchObject({ errcode: 0, value: { name: 'item 1' } });
    // A new engine reads them back.
    await k.close();
    kit = undefined;
    const again = await start();
    expect(await again.call('shop.Catalog.version', [])).toEqual({ errcode: 0, value: 'pinned' });
  });
});
