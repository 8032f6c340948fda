import { protocol } from 'electron';
import { APP_SCHEME } from '../../shared/console-api/channels.js';
import { rendererCsp } from '../renderer-files/csp.js';
import { placeholderPage, rendererFile } from '../renderer-files/static-files.js';

/** Must run before the app is ready: the renderer's origin is `tce-app://app`, a secure standard scheme. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves the built renderer (or a placeholder page) from `rendererDir`, with the CSP; nothing else. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const file = await rendererFile(rendererDir, url.pathname);
    if (!file && url.pathname !== '/' && url.pathname !== '/index.html')
      return new Response('not found', { status: 404 });
    const body = file?.body ?? Buffer.from(placeholderPage(rendererDir, 'Electron IPC'));
    const type = file?.type ?? 'text/html; charset=utf-8';
    const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = rendererCsp("'self'");
    return new Response(new Uint8Array(body), { headers });
  });
}
