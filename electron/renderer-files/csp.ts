/**
 * The renderer's Content Security Policy (STACK.md "A working CSP"): only its own scripts,
 * Monaco's workers from blob:, inline styles (Monaco sets them), and for the browser mode the
 * host's WebSocket on 127.0.0.1. No remote content of any kind.
 */
export function rendererCsp(connect: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
