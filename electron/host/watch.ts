import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

/**
 * Watches folders (not recursively) and calls `onChange` once things have been quiet for
 * `debounceMs`: editors save in bursts (temp file, rename, chmod). A folder that cannot be
 * watched is skipped with a log line; the project still works, only without live reload.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new Set<string>();

  constructor(
    private readonly onChange: (paths: Set<string>) => void,
    private readonly log: Log,
    private readonly debounceMs = 150,
  ) {}

  /** Watches exactly these folders from now on. */
  set(folders: Iterable<string>): void {
    const wanted = new Set(folders);
    for (const [folder, watcher] of this.watchers) {
      if (wanted.has(folder)) continue;
      watcher.close();
      this.watchers.delete(folder);
    }
    for (const folder of wanted) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, (_event, name) =>
          this.touched(name ? join(folder, name.toString()) : folder),
        );
        watcher.on('error', (error) => this.log('warn', `stopped watching ${folder}: ${error.message}`));
        this.watchers.set(folder, watcher);
      } catch (error) {
        this.log('warn', `cannot watch ${folder} for changes: ${messageOf(error)}`);
      }
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private touched(path: string): void {
    this.changed.add(path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = new Set(this.changed);
      this.changed.clear();
      this.onChange(paths);
    }, this.debounceMs);
    this.timer.unref();
  }
}
