import { describe, expect, test } from 'vitest';
import { displayUrl, resolveBrokerUrl } from '../../shared/project/broker-url.js';
import { parseServicesXml } from '../../shared/project/services-xml.js';

const services = (eps: string) =>
  parseServicesXml({ path: 's.xml', text: `<SNS><InterfaceDef/><EndPoints>${eps}</EndPoints><servers/></SNS>` })
    .services;
const mq = (name: string, host: string, port: string, extra = '') =>
  `<ep name="${name}" type="qpid" host="${host}" port="${port}" address="${name}" ${extra}/>`;
const cluster = services(
  `<ep name="tcp" type="socket" host="0.0.0.0" port="12002"/>${mq('mq_gateway', '127.0.0.1', '5672')}${mq('mq_server', '127.0.0.1', '5672')}`,
);

describe('broker URL: command line, then TCE_AMQP_URL, then host/port from services.xml with local defaults', () => {
  test('the command line wins', () => {
    const r = resolveBrokerUrl({
      cli: 'amqp://app:s3cret@broker:5672/prod',
      env: { TCE_AMQP_URL: 'amqp://x:y@other' },
      services: cluster,
    });
    expect(r).toEqual({
      ok: true,
      url: 'amqp://app:s3cret@broker:5672/prod',
      source: 'cli',
      display: 'amqp://app:***@broker:5672/prod',
    });
  });

  test('then the environment', () => {
    const r = resolveBrokerUrl({ cli: '  ', env: { TCE_AMQP_URL: 'amqps://u:p@rabbit.example' }, services: cluster });
    expect(r).toMatchObject({
      ok: true,
      url: 'amqps://u:p@rabbit.example',
      source: 'env',
      display: 'amqps://u:***@rabbit.example',
    });
  });

  test('then the first qpid endpoint, with RabbitMQ’s local guest user', () => {
    const r = resolveBrokerUrl({ env: {}, services: cluster });
    expect(r).toMatchObject({
      ok: true,
      url: 'amqp://guest:guest@127.0.0.1:5672',
      source: 'services',
      display: 'amqp://guest:***@127.0.0.1:5672',
    });
    expect(r.ok && r.note).toContain('mq_gateway');
    expect(r.ok && r.note).not.toContain('refuses');
  });

  test('a remote host gets a note that guest is refused there; TLS gives amqps; IPv6 is bracketed', () => {
    const remote = resolveBrokerUrl({ services: services(mq('q', 'rabbit.example', '5671', 'ssl="true"')) });
    expect(remote).toMatchObject({ ok: true, url: 'amqps://guest:guest@rabbit.example:5671' });
    expect(remote.ok && remote.note).toContain('TCE_AMQP_URL');
    expect(resolveBrokerUrl({ services: services(mq('q', '::1', '5672')) })).toMatchObject({
      ok: true,
      url: 'amqp://guest:guest@[::1]:5672',
    });
    expect(resolveBrokerUrl({ services: services(mq('q', '', '5672')) })).toMatchObject({
      ok: true,
      url: 'amqp://guest:guest@127.0.0.1:5672',
    });
  });

  test('a chosen endpoint; endpoints naming different brokers are pointed out', () => {
    const two = services(`${mq('a', 'h1', '5672')}${mq('b', 'h2', '5673')}`);
    const r = resolveBrokerUrl({ services: two, endpoint: 'b' });
    expect(r).toMatchObject({ ok: true, url: 'amqp://guest:guest@h2:5673' });
    expect(r.ok && r.note).toContain('different brokers');
    expect(resolveBrokerUrl({ services: two, endpoint: 'nope' })).toMatchObject({ ok: false });
  });

  test('credentials in a project file are never used', () => {
    const r = resolveBrokerUrl({ services: services(mq('q', 'amqp://admin:hunter2@rabbit/', '5672')) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('TCE_AMQP_URL');
    expect(!r.ok && r.message).not.toContain('hunter2');
  });

  test('nothing to go by, or a malformed URL, is an error that says what to do', () => {
    const none = resolveBrokerUrl({ env: {}, services: services('<ep name="tcp" type="socket" host="h" port="1"/>') });
    expect(none.ok).toBe(false);
    expect(!none.ok && none.message).toMatch(/--amqp .*TCE_AMQP_URL/);
    const bad = resolveBrokerUrl({ cli: 'http://user:pw@host' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).not.toContain('pw@');
    expect(resolveBrokerUrl({ env: { TCE_AMQP_URL: 'amqp://h:99999' } }).ok).toBe(false);
    expect(resolveBrokerUrl({})).toMatchObject({ ok: false });
  });

  test('displayUrl masks only the password', () => {
    expect(displayUrl('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
    expect(displayUrl('amqp://127.0.0.1')).toBe('amqp://127.0.0.1');
  });
});
