import type { MqAddress } from '../rpc/connection.js';
import { parseMqAddress } from '../rpc/mq-address.js';
import type { EndpointType } from './model.js';
import { messageOf } from '../message-of.js';

/** Value rules shared by services.xml and config.yml. Each returns a value or a problem to report. */

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export interface TypeVerdict {
  type: EndpointType;
  problem?: {
    severity: 'warning' | 'error';
    code: 'unsupported-endpoint-type' | 'unknown-endpoint-type';
    message: string;
  };
}

const LEGACY_TYPES = ['zmq', 'user', 'auto'];

export function endpointType(text: string): TypeVerdict {
  const t = text.trim().toLowerCase();
  if (t === 'socket' || t === 'websocket' || t === 'qpid') return { type: t };
  if (t === 'amqp') return { type: 'qpid' };
  if (t === 'mq' || t === 'easymq') {
    return {
      type: 'easymq',
      problem: {
        severity: 'warning',
        code: 'unsupported-endpoint-type',
        message: `endpoint type "${text}" (EasyMQ) is legacy and not supported: use qpid`,
      },
    };
  }
  if (LEGACY_TYPES.includes(t)) {
    return {
      type: 'unsupported',
      problem: {
        severity: 'warning',
        code: 'unsupported-endpoint-type',
        message: `endpoint type "${text}" is legacy and not supported`,
      },
    };
  }
  return {
    type: 'unsupported',
    problem: {
      severity: 'error',
      code: 'unknown-endpoint-type',
      message: `unknown endpoint type "${text}": expected socket, websocket or qpid (amqp)`,
    },
  };
}

/** 0 is accepted: a listening endpoint then takes any free port (handy in tests). */
export function parsePort(text: string): Checked<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, message: `port "${text}" is not a number` };
  const port = Number(t);
  if (port > 65535) return { ok: false, message: `port ${t} is out of range (0–65535)` };
  return { ok: true, value: port };
}

/** `true` / `false`, case-insensitive: the original compares with "true", so anything else is false. */
export function parseBoolean(text: string): Checked<boolean> {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
  return { ok: false, message: `"${text}" is not true or false; taken as false` };
}

export function parseInteger(text: string, min: number, max: number): Checked<number> {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return { ok: false, message: `"${text}" is not an integer` };
  const n = Number(t);
  if (n < min || n > max) return { ok: false, message: `${t} is out of range (${min}–${max})` };
  return { ok: true, value: n };
}

export function parseAddress(text: string): Checked<MqAddress> {
  try {
    return { ok: true, value: parseMqAddress(text) };
  } catch (e) {
    return { ok: false, message: messageOf(e) };
  }
}

/** The closest candidate within two edits, for "did you mean" hints. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

export const didYouMean = (name: string, candidates: Iterable<string>): string => {
  const c = closest(name, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
};

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
