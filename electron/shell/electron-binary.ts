import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Electron binary installed with the `electron` package, if there is one. The package
 * writes `path.txt` (the binary's path inside its `dist/`) once the binary is downloaded;
 * where it cannot be downloaded neither exists. `ELECTRON_OVERRIDE_DIST_PATH` names a folder
 * holding an unpacked Electron instead, as it does for the `electron` package itself. Never
 * `require('electron')` to find out: that starts the download.
 */
export function electronBinary(packageRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = join(packageRoot, 'node_modules', 'electron');
  let relative = '';
  try {
    relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    // no binary was installed with the package
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative || 'electron') : relative && join(dir, 'dist', relative);
  return binary && existsSync(binary) ? binary : undefined;
}

export const NO_ELECTRON_MESSAGE =
  'Electron is not available on this machine (no binary in node_modules/electron/dist); starting the browser mode instead';
