// Shared by the console host tests: a private cluster project, a host behind the browser-mode
// bridge, and waiting for feed entries.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyCluster, type ClusterCopy } from '../../support/cluster-copy.js';
import { ConsoleHost, type ConsoleHostOptions } from '../../electron/host/host.js';
import { connectWebBridge, type WebBridgeClient } from '../../electron/web/client.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';
import type { FeedEntry, FeedFilter, InvokeResult } from '../../shared/console-api/types.js';
import { RABBIT_URL, RabbitAdmin, suffix } from '../../support/mq-kit.js';

const TEST_IDL = fileURLToPath(new URL('../../idl-samples/cluster/test.idl', import.meta.url));

/** idl-samples/cluster with its IDL, unique queue names and listen ports 0. */
export function clusterProject(options: { useridCheck?: boolean } = {}): ClusterCopy {
  const copy = copyCluster(`tce-host-${suffix()}`, options);
  copyFileSync(TEST_IDL, join(copy.dir, 'test.idl'));
  return copy;
}

export interface Console {
  host: ConsoleHost;
  web: WebServer;
  bridge: WebBridgeClient;
  configDir: string;
  close(): Promise<void>;
}

/** A host served in-process on 127.0.0.1:0, and a bridge client connected to it. */
export async function startConsole(options: Partial<ConsoleHostOptions> = {}): Promise<Console> {
  const configDir = mkdtempSync(join(tmpdir(), 'tce-console-config-'));
  const host = new ConsoleHost({ mode: 'web', configDir, env: {}, ...options });
  const web = await startWebServer({ host });
  const bridge = await connectWebBridge(web.apiUrl);
  return {
    host,
    web,
    bridge,
    configDir,
    close: async () => {
      await bridge.close();
      await web.close();
      await host.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

export interface SandboxConsole extends Console {
  project: ClusterCopy;
}

/** A private cluster project opened in a console whose sandbox runs on `broker`; close() removes its queues. */
export async function startSandboxConsole(
  broker: 'memory' | 'amqp',
  options: Partial<ConsoleHostOptions> = {},
): Promise<SandboxConsole> {
  const project = clusterProject();
  const c = await startConsole(options);
  try {
    await c.bridge.call('project.open', { path: project.dir });
    const state = await c.bridge.call(
      'sandbox.start',
      broker === 'amqp' ? { broker: 'amqp', amqpUrl: RABBIT_URL } : { broker: 'memory' },
    );
    if (state.state !== 'running') throw new Error(`sandbox: ${JSON.stringify(state)}`);
  } catch (error) {
    await c.close();
    project.removeFiles();
    throw error;
  }
  return {
    ...c,
    project,
    close: async () => {
      await c.close();
      if (broker === 'amqp') {
        const admin = await RabbitAdmin.open();
        await admin.remove(project.queues, project.exchanges);
        await admin.close();
      }
      project.removeFiles();
    },
  };
}

/** The result of a call that must have succeeded. */
export function succeeded(r: InvokeResult): Extract<InvokeResult, { ok: true }> {
  if (!r.ok) throw new Error(`call failed: ${r.error.codeName} ${r.error.reason}`);
  return r;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls feed.query until `count` entries match; fails with what there was. */
export async function waitForEntries(
  bridge: WebBridgeClient,
  filter: FeedFilter,
  count = 1,
  timeoutMs = 5_000,
): Promise<FeedEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { entries } = await bridge.call('feed.query', { limit: 100_000, filter });
    if (entries.length >= count) return entries;
    if (Date.now() > deadline)
      throw new Error(`expected ${count} feed entries matching ${JSON.stringify(filter)}, got ${entries.length}`);
    await sleep(20);
  }
}

/** `hop direction` of entries, in order: the path of one call. */
export const path = (entries: FeedEntry[]): string[] => entries.map((e) => `${e.hop} ${e.direction}`);
