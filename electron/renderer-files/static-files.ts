import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * A file of the built renderer for a URL path. Paths never leave `root`; a path without a file
 * extension that names no file is the single-page app's index.html. Undefined when not found.
 */
export async function rendererFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (relative.split(/[/\\]/).includes('..')) return undefined;
  const path = join(root, relative === '' ? 'index.html' : relative);
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  const file = await read(path);
  if (file || extname(path) !== '') return file;
  return read(join(root, 'index.html'));
}

async function read(path: string): Promise<StaticFile | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return { body: await readFile(path), type: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

/** What the browser mode shows when the renderer has not been built. */
export function placeholderPage(rendererDir: string, apiUrl: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TCE Console</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:42em;margin:3em auto;padding:0 1em}code{background:#8882;padding:0 .3em}</style></head>
<body><h1>TCE Console</h1>
<p>The host is running, but the user interface has not been built: there is no <code>${escape(rendererDir)}/index.html</code>.</p>
<p>Build it with <code>npm run build</code> and reload this page.</p>
<p>The host API answers on <code>${escape(apiUrl)}</code> (JSON frames, see <code>shared/console-api</code>).</p>
</body></html>
`;
}
