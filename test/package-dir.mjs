// `electron-builder --dir` (an unpacked app in release/), run by test/run.mjs in CI. It needs the
// Electron zip of electron-builder.yml's electronVersion: from its cache or downloaded. Where
// neither can be had (these machines reach only the npm registry and apt), it is skipped and says why.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const version = /^electronVersion:\s*(\S+)/m.exec(readFileSync('electron-builder.yml', 'utf8'))?.[1];
if (!version) throw new Error('electron-builder.yml has no electronVersion');
const zip = `electron-v${version}-linux-x64.zip`;
// electron-builder's own download location, unless a mirror is configured the usual way.
const url = `${process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/'}v${version}/${zip}`;

/** A cached copy of the zip anywhere under electron-builder's cache folder. */
function cached(dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron')) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? cached(join(dir, e.name)) : e.name === zip,
  );
}

async function reachable() {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    return undefined;
  } catch (error) {
    return error instanceof Error
      ? error.cause instanceof Error
        ? error.cause.message
        : error.message
      : String(error);
  }
}

const unreachable = cached() ? undefined : await reachable();
if (unreachable) {
  console.log(
    `electron-builder --dir: skipped: ${zip} is not cached and cannot be downloaded (${url}: ${unreachable})`,
  );
  process.exit(0);
}
const result = spawnSync('node_modules/.bin/electron-builder', ['--dir', '--publish', 'never'], { stdio: 'inherit' });
console.log(`electron-builder --dir: ${result.status === 0 ? 'built release/linux-unpacked' : 'failed'}`);
process.exit(result.status ?? 1);
