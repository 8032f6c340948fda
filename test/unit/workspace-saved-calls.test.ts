import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectFolder } from '../../electron/host/project-folder.js';
import { Workspace } from '../../electron/host/workspace.js';
import { compareCallNames } from '../../shared/collections/names.js';
import type { SavedCall } from '../../shared/console-api/types.js';
import { checkCall } from '../../shared/console-api/validate.js';

const call = (name: string): SavedCall => ({
  name,
  interface: 'shop.Orders',
  method: 'list',
  args: [],
  mode: 'twoway',
});

describe('saved calls in folders', () => {
  let dir: string;
  let workspace: Workspace;
  let logged: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tce-saved-'));
    logged = [];
    workspace = new Workspace(new ProjectFolder(dir), (_level, m) => logged.push(m));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (...parts: string[]) => join(dir, '.tce-console', 'saved-calls', ...parts);

  it('stores a/b/name as nested folders and lists them recursively in name order', async () => {
    for (const name of ['orders/z-last', 'a-b', 'orders/create', 'orders/items/add', 'top'])
      await workspace.saveCall(call(name));
    expect(existsSync(file('orders', 'items', 'add.json'))).toBe(true);
    expect(JSON.parse(readFileSync(file('orders', 'items', 'add.json'), 'utf8'))).toMatchObject({
      name: 'orders/items/add',
    });
    const names = (await workspace.savedCalls()).map((c) => c.name);
    expect(names).toEqual(['a-b', 'orders/create', 'orders/items/add', 'orders/z-last', 'top']);
    expect([...names].sort(compareCallNames)).toEqual(names);
  });

  it('names a call by where its file is, so a moved file needs no edit', async () => {
    mkdirSync(file('moved'), { recursive: true });
    writeFileSync(file('moved', 'x.json'), JSON.stringify(call('old name')));
    writeFileSync(file('junk.json'), '{"not": "a call"}');
    expect((await workspace.savedCalls()).map((c) => c.name)).toEqual(['moved/x']);
    expect(logged.join('\n')).toContain('junk.json is not a saved call');
  });

  it('saveCall overwrites a call of the same name', async () => {
    await workspace.saveCall(call('f/x'));
    const list = await workspace.saveCall({ ...call('f/x'), method: 'get' });
    expect(list).toEqual([{ ...call('f/x'), method: 'get' }]);
  });

  it('renames across folders, removes the folders left empty, and refuses to rename onto an existing call', async () => {
    await workspace.saveCall(call('a/b/one'));
    await workspace.saveCall(call('two'));
    expect((await workspace.renameCall('a/b/one', 'c/one')).map((c) => c.name)).toEqual(['c/one', 'two']);
    expect(existsSync(file('a'))).toBe(false);
    expect(JSON.parse(readFileSync(file('c', 'one.json'), 'utf8'))).toMatchObject({ name: 'c/one' });
    await expect(workspace.renameCall('c/one', 'two')).rejects.toMatchObject({ code: 'conflict' });
    await expect(workspace.renameCall('missing', 'three')).rejects.toMatchObject({ code: 'not-found' });
    expect((await workspace.savedCalls()).map((c) => c.name)).toEqual(['c/one', 'two']);
  });

  it('duplicates a call under a new name and keeps the original', async () => {
    await workspace.saveCall({ ...call('orders/create'), args: [7] });
    const list = await workspace.duplicateCall('orders/create', 'orders/create again');
    expect(list).toEqual([
      { ...call('orders/create'), args: [7] },
      { ...call('orders/create again'), args: [7] },
    ]);
    await expect(workspace.duplicateCall('orders/create', 'orders/create again')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('deletes a call in a folder and the folders it leaves empty, keeping non-empty ones', async () => {
    await workspace.saveCall(call('a/b/one'));
    await workspace.saveCall(call('a/two'));
    expect((await workspace.deleteCall('a/b/one')).map((c) => c.name)).toEqual(['a/two']);
    expect(existsSync(file('a', 'b'))).toBe(false);
    expect(existsSync(file('a'))).toBe(true);
  });
});

describe('saved call names at the API boundary', () => {
  const problem = (name: string) => {
    const checked = checkCall('workspace.saveCall', { call: call(name) });
    return checked.ok ? undefined : checked.error.message;
  };
  it('accepts folders separated by / and refuses unsafe parts', () => {
    expect(problem('a/b/name')).toBeUndefined();
    expect(problem('../escape')).toContain('must be a file name');
    expect(problem('a//b')).toContain('must not be empty');
    expect(problem('/abs')).toContain('must not be empty');
    expect(problem('a/./b')).toContain('must be a file name');
    expect(problem('a\\b')).toContain('must be a file name');
    expect(problem(Array(17).fill('x').join('/'))).toContain('more than 16 folders deep');
  });
  it('checks rename and duplicate params with the same rule', () => {
    expect(checkCall('workspace.renameCall', { from: 'a/x', to: 'b/x' }).ok).toBe(true);
    expect(checkCall('workspace.renameCall', { from: 'a/x', to: 'b/../x' }).ok).toBe(false);
    expect(checkCall('workspace.duplicateCall', { name: 'a', newName: 'b/c' }).ok).toBe(true);
    expect(checkCall('workspace.duplicateCall', { name: 'a' }).ok).toBe(false);
  });
});
