import { traceFromEnvironment } from '../log.js';

/** One line to standard output or standard error: what the CLIs print. */
export const out = (line: string): void => void process.stdout.write(`${line}\n`);
export const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs a CLI's `main` on the command line's arguments (after reading TCE_TRACE) and exits with the code it returns; an
 * exception is an internal error: its stack on standard error, exit code 1. `exit: true` ends the
 * process at once instead of letting it drain (a server whose sockets would keep it alive).
 */
export function runMain(
  name: string,
  main: (argv: string[]) => Promise<number>,
  options: { exit?: boolean } = {},
): void {
  const done = (code: number): void => {
    if (options.exit) process.exit(code);
    process.exitCode = code;
  };
  traceFromEnvironment();
  main(process.argv.slice(2)).then(done, (e: unknown) => {
    err(`${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    done(1);
  });
}
