import type { InvokeRequest } from '../../shared/console-api/index.js';

/** Quotes one shell word (POSIX sh): bare when safe, else single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A word of the command line: literal text and environment-variable references, quoted piece by piece. */
type Piece = { text: string } | { env: string };

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

/** The environment variable a secret is read from on the command line: `{{api-token}}` → `TCE_SECRET_API_TOKEN`. */
export const secretVariable = (name: string): string => `TCE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * `{{name}}` as the console would send it: the environment's variable expanded, and anything
 * else (a secret, which the renderer never sees) as a reference to an environment variable,
 * so the secret is never written into the command.
 */
function expandPieces(
  text: string,
  variables: Readonly<Record<string, string>>,
  secrets: Set<string>,
  escape: (value: string) => string,
): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (m.index > at) pieces.push({ text: text.slice(at, m.index) });
    if (Object.prototype.hasOwnProperty.call(variables, name)) pieces.push({ text: escape(variables[name]!) });
    else {
      secrets.add(name);
      pieces.push({ env: secretVariable(name) });
    }
    at = m.index + m[0].length;
  }
  if (at < text.length || pieces.length === 0) pieces.push({ text: text.slice(at) });
  return pieces;
}

/** One shell word: runs of text quoted as one, environment references in double quotes between them. */
function quotePieces(pieces: Piece[]): string {
  const runs: Piece[] = [];
  for (const p of pieces) {
    const last = runs[runs.length - 1];
    if ('text' in p && last && 'text' in last) runs[runs.length - 1] = { text: last.text + p.text };
    else runs.push(p);
  }
  return runs.map((p) => ('env' in p ? `"$${p.env}"` : p.text === '' ? '' : shellQuote(p.text))).join('') || "''";
}

export interface TceCallOptions {
  /** How to start this package's tce-call: the Node binary and the script's absolute path (AppInfo.tceCall). */
  command: readonly string[];
  /** The active environment's variables. */
  variables?: Readonly<Record<string, string>>;
}

/**
 * The same call as a `tce-call` command line (see electron/cli/tce-call.ts) that runs as it is
 * from any folder: this package's own script (never a bare `npx tce-call`, which the registry
 * could resolve to someone else's package), absolute IDL paths, variables expanded (in the
 * arguments, extras and target, as the host expands them), secrets as `"$TCE_SECRET_NAME"`.
 * Returns the line and the secrets the shell must provide.
 */
export function tceCallLine(
  request: InvokeRequest,
  idlFiles: readonly string[],
  targetUrl: string,
  options: TceCallOptions,
): { line: string; secrets: string[] } {
  const secrets = new Set<string>();
  const expand = (text: string): Piece[] => expandPieces(text, options.variables ?? {}, secrets, (v) => v);
  // Inside the arguments' JSON a variable's value is a JSON string's content (a secret comes from the shell as it is).
  const expandJson = (text: string): Piece[] =>
    expandPieces(text, options.variables ?? {}, secrets, (v) => JSON.stringify(v).slice(1, -1));
  const words: Piece[][] = [
    ...options.command.map((text) => [{ text }]),
    [{ text: '--idl' }],
    [{ text: idlFiles.join(',') }],
    [{ text: '--target' }],
    expand(targetUrl),
    [{ text: `${request.interface}.${request.method}` }],
    expandJson(JSON.stringify(request.args)),
  ];
  for (const [key, value] of Object.entries(request.extra ?? {}))
    words.push([{ text: '--extra' }], [{ text: `${key}=` }, ...expand(value)]);
  if (request.mode !== 'twoway') words.push([{ text: '--mode' }], [{ text: request.mode }]);
  if (request.mode !== 'oneway' && request.timeoutMs !== undefined)
    words.push([{ text: '--timeout' }], [{ text: String(request.timeoutMs) }]);
  return { line: words.map(quotePieces).join(' '), secrets: [...secrets].map(secretVariable) };
}
