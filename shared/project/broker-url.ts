import type { Endpoint, ServicesModel } from './model.js';

/**
 * Where the AMQP broker URL comes from. Credentials never come from a project file (a checked-in
 * services.xml or config.yml): they come from the command line or the environment, in that order.
 * Without either, the URL is built from a qpid endpoint's host and port with `guest:guest`,
 * RabbitMQ's built-in local user (RabbitMQ accepts it only over loopback connections).
 */
export const AMQP_URL_ENV = 'TCE_AMQP_URL';
export const LOCAL_DEFAULT_CREDENTIALS = 'guest:guest';

export interface BrokerUrlOptions {
  /** `--amqp URL` from the command line. */
  cli?: string | undefined;
  /** The process environment: the caller passes `process.env` (shared/ cannot read it). */
  env?: Readonly<Record<string, string | undefined>>;
  services?: ServicesModel | undefined;
  /** Whose host and port to use; by default the first qpid endpoint with a valid port. */
  endpoint?: string | undefined;
}

export type BrokerUrl =
  | {
      ok: true;
      url: string;
      source: 'cli' | 'env' | 'services';
      /** The URL with the password masked, for logs and the UI. */
      display: string;
      /** Something the user should know, e.g. that the local default credentials are used. */
      note?: string;
    }
  | { ok: false; message: string };

const AMQP_URL = /^(amqps?):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#@[\]]*)(?::(\d*))?(?:[/?#].*)?$/i;

export function resolveBrokerUrl(options: BrokerUrlOptions): BrokerUrl {
  const cli = options.cli?.trim();
  if (cli) return checked(cli, 'cli', '--amqp');
  const env = options.env?.[AMQP_URL_ENV]?.trim();
  if (env) return checked(env, 'env', AMQP_URL_ENV);
  return fromServices(options.services, options.endpoint);
}

/** `amqp://user:***@host:5672/vhost`. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1:***@');
}

function checked(url: string, source: 'cli' | 'env', from: string): BrokerUrl {
  const m = AMQP_URL.exec(url);
  const port = m?.[4];
  if (!m || (port !== undefined && (port === '' || Number(port) > 65535))) {
    return {
      ok: false,
      message: `${from}: "${displayUrl(url)}" is not an AMQP URL like amqp://user:password@host:5672`,
    };
  }
  return { ok: true, url, source, display: displayUrl(url) };
}

const hostPort = (ep: Endpoint) => `${ep.host.trim()}:${ep.port ?? ''}`;
const LOOPBACK_HOSTS = ['', 'localhost', '127.0.0.1', '::1', '[::1]'];

function fromServices(services: ServicesModel | undefined, name: string | undefined): BrokerUrl {
  const hint = `pass --amqp amqp://user:password@host:5672 or set ${AMQP_URL_ENV}`;
  const qpid = services?.endpoints.filter((e) => e.type === 'qpid') ?? [];
  const ep = name === undefined ? qpid.find((e) => e.port !== undefined) : qpid.find((e) => e.name === name);
  if (!ep) {
    const why =
      name === undefined ? 'the project has no qpid endpoint with a host and port' : `"${name}" is not a qpid endpoint`;
    return { ok: false, message: `no AMQP broker URL: ${why}; ${hint}` };
  }
  const host = ep.host.trim();
  // The Java runtime reads an AMQP URL from `host`; such a URL may hold credentials, which a project file must not supply.
  if (/[@/]/.test(host) || host.includes('://')) {
    return {
      ok: false,
      message: `endpoint "${ep.name}" has host "${displayUrl(host)}", which is not a plain host name: broker credentials never come from a project file; ${hint}`,
    };
  }
  const scheme = ep.tls ? 'amqps' : 'amqp';
  const port = ep.port ?? (ep.tls ? 5671 : 5672);
  const address = host === '' ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `${scheme}://${LOCAL_DEFAULT_CREDENTIALS}@${address}:${port}`;
  const notes = [
    `host and port from endpoint "${ep.name}" with RabbitMQ's local default user guest`,
    LOOPBACK_HOSTS.includes(host) ? '' : `RabbitMQ refuses guest from other hosts than localhost: ${hint}`,
    qpid.some((e) => e.port !== undefined && hostPort(e) !== hostPort(ep))
      ? 'qpid endpoints name different brokers; only this one is used'
      : '',
  ];
  return { ok: true, url, source: 'services', display: displayUrl(url), note: notes.filter(Boolean).join('; ') };
}
