import { chmod, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from './file-store.js';

/** `$XDG_CONFIG_HOME/tce-console`, else `~/.config/tce-console`: the user's settings, never inside a project. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'tce-console');
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

const MAX_RECENT = 10;

/**
 * The user's own state: recent projects, and secrets (tokens, broker passwords) per project,
 * kept outside the project folder so they are never committed with it. The secrets file and
 * its folder are readable by the user only (0600 / 0700).
 */
export class UserConfig {
  constructor(readonly dir: string) {}

  async recentProjects(): Promise<string[]> {
    const list = await readJson<unknown>(join(this.dir, 'recent.json'), []);
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
  }

  async addRecentProject(root: string): Promise<string[]> {
    const list = [root, ...(await this.recentProjects()).filter((p) => p !== root)].slice(0, MAX_RECENT);
    await this.write('recent.json', `${JSON.stringify(list, null, 2)}\n`, 0o644);
    return list;
  }

  async secret(project: string, name: string): Promise<string | undefined> {
    return (await this.secrets())[project]?.[name];
  }

  /** The names of a project's secrets (their values never leave the host). */
  async secretNames(project: string): Promise<string[]> {
    return Object.keys((await this.secrets())[project] ?? {}).sort();
  }

  async setSecret(project: string, name: string, value: string | null): Promise<void> {
    const all = await this.secrets();
    const mine = { ...all[project] };
    if (value === null) delete mine[name];
    else mine[name] = value;
    if (Object.keys(mine).length > 0) all[project] = mine;
    else delete all[project];
    await this.write('secrets.json', `${JSON.stringify(all, null, 2)}\n`, 0o600);
  }

  private async secrets(): Promise<Record<string, Record<string, string>>> {
    const value = await readJson<unknown>(join(this.dir, 'secrets.json'), {});
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, Record<string, string>>)
      : {};
  }

  private async write(name: string, text: string, mode: number): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, name);
    await atomicWrite(path, text, mode);
    await chmod(path, mode);
  }
}
