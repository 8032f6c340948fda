import type { Options } from 'amqplib';

/**
 * RabbitMQ URLs: `amqp[s]://user:pass@host[:port][/vhost][?heartbeat=N]`. Parsed here rather than
 * by amqplib so that errors are clear, the password never reaches a log line, and the
 * connection options can be handed to amqplib as an object.
 */
export interface AmqpUrl {
  protocol: 'amqp' | 'amqps';
  hostname: string;
  port: number;
  username: string;
  password: string;
  /** `/` when the URL has no path (RabbitMQ's default vhost). */
  vhost: string;
  /** Seconds, from `?heartbeat=N`; undefined = the caller's default. */
  heartbeat?: number;
}

const DEFAULT_PORT = { amqp: 5672, amqps: 5671 } as const;

export function parseAmqpUrl(text: string): AmqpUrl {
  const fail = (why: string): never => {
    throw new Error(`bad RabbitMQ URL "${redact(text)}": ${why}`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('expected amqp://user:password@host:port[/vhost]');
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'amqp' && protocol !== 'amqps') return fail(`protocol must be amqp or amqps, not ${protocol}`);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (hostname === '') fail('missing host');
  const port = url.port === '' ? DEFAULT_PORT[protocol] : Number(url.port);
  // An empty path and `/` both mean the default vhost; `/%2F` spells it explicitly.
  const vhost = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/';
  const parsed: AmqpUrl = {
    protocol,
    hostname,
    port,
    username: url.username === '' && url.password === '' ? 'guest' : decodeURIComponent(url.username),
    password: url.username === '' && url.password === '' ? 'guest' : decodeURIComponent(url.password),
    vhost,
  };
  for (const [key, value] of url.searchParams) {
    if (key !== 'heartbeat') fail(`unsupported query parameter "${key}" (only heartbeat is understood)`);
    if (!/^\d+$/.test(value)) fail(`heartbeat must be a whole number of seconds, not "${value}"`);
    parsed.heartbeat = Number(value);
  }
  return parsed;
}

/**
 * The URL without its password, for logs and the UI: `amqp://guest@127.0.0.1:5672` (+ `/vhost`).
 * Never throws: a string that does not parse comes back with its password masked.
 */
/** amqplib's connection fields for `url` (the vhost escaped again: amqplib unescapes it). */
export function amqplibConnection(url: AmqpUrl, heartbeatSeconds: number): Options.Connect {
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port,
    username: url.username,
    password: url.password,
    vhost: encodeURIComponent(url.vhost),
    heartbeat: heartbeatSeconds,
  };
}

export function describeAmqpUrl(url: AmqpUrl | string): string {
  let parsed: AmqpUrl;
  try {
    parsed = typeof url === 'string' ? parseAmqpUrl(url) : url;
  } catch {
    return redact(url as string);
  }
  const vhost = parsed.vhost === '/' ? '' : `/${encodeURIComponent(parsed.vhost)}`;
  return `${parsed.protocol}://${encodeURIComponent(parsed.username)}@${hostPort(parsed)}${vhost}`;
}

/** `127.0.0.1:5672` (IPv6 in brackets). */
export function hostPort(url: AmqpUrl): string {
  return `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port}`;
}

/** Removes the password from a URL-ish string that could not even be parsed. */
function redact(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** How to name a back end's queue as a target. */
export const AMQP_TARGET_FORM = 'amqp://user:password@host:port/<queue>';

/**
 * A target URL `amqp://user:password@host:port[/vhost]/<queue>` split into the broker's URL and
 * the queue (the last path segment), or what is wrong with it, worded to follow the URL in a
 * sentence: each caller says it in its own error (a usage error, a ConsoleError).
 */
export function splitAmqpTarget(
  url: string,
): { ok: true; brokerUrl: string; queue: string } | { ok: false; problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, problem: `is not a URL: expected ${AMQP_TARGET_FORM}` };
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const queue = segments.pop();
  if (queue === undefined) return { ok: false, problem: `names no queue: expected ${AMQP_TARGET_FORM}` };
  parsed.pathname = segments.length > 0 ? `/${segments.join('/')}` : '';
  return { ok: true, brokerUrl: parsed.toString(), queue: decodeURIComponent(queue) };
}
