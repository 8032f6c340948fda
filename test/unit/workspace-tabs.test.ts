import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectFolder } from '../../electron/host/project-folder.js';
import { Workspace } from '../../electron/host/workspace.js';
import type { RequestTabs } from '../../shared/console-api/types.js';
import { checkCall } from '../../shared/console-api/validate.js';

const tabs: RequestTabs = {
  active: 1,
  tabs: [
    {
      target: { kind: 'endpoint', endpoint: 'socket_gateway' },
      interface: 'test.Server',
      method: 'echo',
      argsText: { 'test.Server.echo': '{"text": "kept"}' },
      mode: 'async',
      timeoutMs: 1234,
      extras: [{ key: 'run', value: 'x' }],
    },
    { argsText: {}, mode: 'twoway', timeoutMs: 30000, extras: [] },
  ],
};

describe('request tabs kept in the workspace', () => {
  let dir: string;
  let workspace: Workspace;
  let logged: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tce-tabs-'));
    logged = [];
    workspace = new Workspace(new ProjectFolder(dir), (_level, m) => logged.push(m));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string): string => join(dir, '.tce-console', name);

  it('come back as they were saved, and are personal: listed in .tce-console/.gitignore beside history', async () => {
    expect(await workspace.tabs()).toBeNull();
    await workspace.setTabs(tabs);
    expect(await new Workspace(new ProjectFolder(dir), () => {}).tabs()).toEqual(tabs);
    expect(readFileSync(file('.gitignore'), 'utf8').split('\n')).toEqual(['history.json', 'tabs.json', '']);
  });

  it("adds what is missing to a .gitignore of the user's own, keeping its lines", async () => {
    mkdirSync(join(dir, '.tce-console'));
    writeFileSync(file('.gitignore'), 'history.json\nscratch/');
    await workspace.setTabs(tabs);
    expect(readFileSync(file('.gitignore'), 'utf8')).toBe('history.json\nscratch/\ntabs.json\n');
  });

  it('starts afresh, with a log line that says why, from a tabs.json that is not tabs', async () => {
    mkdirSync(join(dir, '.tce-console'));
    writeFileSync(file('tabs.json'), JSON.stringify({ active: 0, tabs: [{ mode: 'sideways' }] }));
    expect(await workspace.tabs()).toBeNull();
    expect(logged.join('\n')).toMatch(/tabs\.json: tabs\.tabs\[0\]\.argsText: missing; the tabs start afresh/);
  });

  it('are checked at the bridge like any other params', () => {
    expect(checkCall('workspace.setTabs', tabs).ok).toBe(true);
    const bad = checkCall('workspace.setTabs', { ...tabs, tabs: [{ ...tabs.tabs[0], timeoutMs: -1 }] });
    expect(bad.ok ? '' : bad.error.message).toMatch(/params\.tabs\[0\]\.timeoutMs: expected an integer/);
    expect(checkCall('invoke.cancel', { callId: '' }).ok).toBe(false);
  });
});
