/**
 * The message of anything thrown or rejected: an Error's message, else the value as text. What a
 * log line or an error reply says; a `catch` gets `unknown`, and a non-Error has no `.message`.
 */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
