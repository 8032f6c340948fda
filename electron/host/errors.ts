import { ConsoleError } from '../../shared/console-api/api.js';
import { messageOf } from '../../shared/message-of.js';

export { messageOf };

/** Node's error code (`ENOENT`, `EADDRINUSE`, …), if any. */
export const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** File system failures as ConsoleErrors: a missing file is `not-found`, anything else `io`. */
export function ioError(what: string, error: unknown): ConsoleError {
  if (error instanceof ConsoleError) return error;
  return new ConsoleError(errnoOf(error) === 'ENOENT' ? 'not-found' : 'io', `${what}: ${messageOf(error)}`);
}
