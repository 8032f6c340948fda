import { createHash } from 'node:crypto';

/** A file's version: a hash of its content, so a touch without a change is no conflict and any change is one. */
export const versionOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 20);
