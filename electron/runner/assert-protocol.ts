import type { ScriptContext } from '../../shared/collections/evaluate.js';

/** Runner → assert worker. */
export interface AssertRequest {
  id: number;
  source: string;
  context: ScriptContext;
}

export interface AssertVerdict {
  pass: boolean;
  message: string;
}

/** Assert worker → runner. */
export type AssertReply = AssertVerdict & { id: number };
