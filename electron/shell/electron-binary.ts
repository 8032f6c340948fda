import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Electron binary installed with the `electron` package, if there is one. The package
 * writes `path.txt` (the binary's path inside its `dist/`) once the binary is downloaded;
 * where it cannot be downloaded neither exists. Never `require('electron')` to find out: that
 * starts the download.
 */
export function electronBinary(packageRoot: string): string | undefined {
  const dir = join(packageRoot, 'node_modules', 'electron');
  let relative: string;
  try {
    relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (relative === '') return undefined;
  const binary = join(dir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

export const NO_ELECTRON_MESSAGE = 'Electron is not available on this machine (no binary in node_modules/electron/dist); starting the browser mode instead';
