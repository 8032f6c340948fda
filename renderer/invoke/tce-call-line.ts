import type { InvokeRequest } from '../../shared/console-api/index.js';

/** Quotes one shell word (POSIX sh): bare when safe, else single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The same call as a `tce-call` command line (see electron/cli/tce-call.ts), to paste into a
 * terminal or a script: `npx tce-call --idl … --target … test.Server.echo '["hello"]' …`.
 */
export function tceCallLine(request: InvokeRequest, idlFiles: readonly string[], targetUrl: string): string {
  const words = [
    'npx',
    'tce-call',
    '--idl',
    idlFiles.join(','),
    '--target',
    targetUrl,
    `${request.interface}.${request.method}`,
    JSON.stringify(request.args),
  ];
  for (const [key, value] of Object.entries(request.extra ?? {})) words.push('--extra', `${key}=${value}`);
  if (request.mode !== 'twoway') words.push('--mode', request.mode);
  if (request.mode !== 'oneway' && request.timeoutMs !== undefined) words.push('--timeout', String(request.timeoutMs));
  return words.map(shellQuote).join(' ');
}
