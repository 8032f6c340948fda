// RabbitMQ URLs: parsed with clear errors, described without the password.
import { describe, expect, it } from 'vitest';
import { describeAmqpUrl, hostPort, parseAmqpUrl, splitAmqpTarget } from '../../electron/transports/amqp-url.js';
import { errorReason } from '../../electron/transports/amqp.js';

describe('parseAmqpUrl', () => {
  it('reads user, password, host, port and the default vhost', () => {
    expect(parseAmqpUrl('amqp://guest:guest@127.0.0.1:5672')).toEqual({
      protocol: 'amqp',
      hostname: '127.0.0.1',
      port: 5672,
      username: 'guest',
      password: 'guest',
      vhost: '/',
    });
  });

  it('defaults the port per protocol and the credentials to guest', () => {
    expect(parseAmqpUrl('amqp://mq.example')).toMatchObject({
      port: 5672,
      username: 'guest',
      password: 'guest',
      vhost: '/',
    });
    expect(parseAmqpUrl('amqps://mq.example/')).toMatchObject({ protocol: 'amqps', port: 5671, vhost: '/' });
  });

  it('decodes escaped credentials and vhosts, IPv6 hosts and the heartbeat', () => {
    expect(parseAmqpUrl('amqp://us%40er:p%3Ass@[::1]:5673/%2F?heartbeat=5')).toEqual({
      protocol: 'amqp',
      hostname: '::1',
      port: 5673,
      username: 'us@er',
      password: 'p:ss',
      vhost: '/',
      heartbeat: 5,
    });
    expect(parseAmqpUrl('amqp://u:p@h/tce-dev').vhost).toBe('tce-dev');
  });

  it.each([
    ['127.0.0.1:5672', 'expected amqp://user:password@host:port[/vhost]'],
    ['http://h', 'protocol must be amqp or amqps, not http'],
    ['amqp://h:99999', 'expected amqp://user:password@host:port[/vhost]'],
    ['amqp://h?frame_max=1', 'unsupported query parameter "frame_max" (only heartbeat is understood)'],
    ['amqp://h?heartbeat=soon', 'heartbeat must be a whole number of seconds, not "soon"'],
  ])('rejects %s', (url, why) => {
    expect(() => parseAmqpUrl(url)).toThrow(`: ${why}`);
  });

  it('never repeats the password in an error', () => {
    expect(() => parseAmqpUrl('amqp://user:hunter2@h:99999')).toThrow('bad RabbitMQ URL "amqp://user:***@h:99999"');
    expect(() => parseAmqpUrl('http://user:hunter2@h')).toThrow('bad RabbitMQ URL "http://user:***@h"');
  });
});

describe('describeAmqpUrl', () => {
  it('shows user, host, port and a non-default vhost, never the password', () => {
    expect(describeAmqpUrl(parseAmqpUrl('amqp://guest:guest@127.0.0.1:5672'))).toBe('amqp://guest@127.0.0.1:5672');
    expect(describeAmqpUrl(parseAmqpUrl('amqps://admin:s3cret@mq:5671/tce%20dev'))).toBe(
      'amqps://admin@mq:5671/tce%20dev',
    );
    expect(hostPort(parseAmqpUrl('amqp://[::1]'))).toBe('[::1]:5672');
  });

  it('takes a URL string too, and masks the password of one it cannot parse', () => {
    expect(describeAmqpUrl('amqp://guest:guest@127.0.0.1')).toBe('amqp://guest@127.0.0.1:5672');
    expect(describeAmqpUrl('amqp://me:hunter2@host:99999')).toBe('amqp://me:***@host:99999');
  });
});

describe('errorReason', () => {
  it('keeps the part of an amqplib or socket error a person needs', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5672'), { code: 'ECONNREFUSED' });
    expect(errorReason(socket)).toBe('ECONNREFUSED');
    const amqp = Object.assign(
      new Error(`Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - no queue 'q' in vhost '/'"`),
      { code: 404 },
    );
    expect(errorReason(amqp)).toBe(`NOT_FOUND - no queue 'q' in vhost '/'`);
    expect(errorReason(new Error('plain'))).toBe('plain');
    expect(errorReason('text')).toBe('text');
  });
});

describe('splitAmqpTarget', () => {
  it('splits a target into the broker URL (vhost kept) and the queue, the last segment decoded', () => {
    expect(splitAmqpTarget('amqp://u:p@h:5672/orders')).toEqual({
      ok: true,
      brokerUrl: 'amqp://u:p@h:5672',
      queue: 'orders',
    });
    expect(splitAmqpTarget('amqp://u:p@h:5672/dev/my%20queue')).toEqual({
      ok: true,
      brokerUrl: 'amqp://u:p@h:5672/dev',
      queue: 'my queue',
    });
  });

  it('says what is wrong, to follow the URL in a sentence', () => {
    expect(splitAmqpTarget('amqp://u:p@h:5672')).toEqual({
      ok: false,
      problem: 'names no queue: expected amqp://user:password@host:port/<queue>',
    });
    expect(splitAmqpTarget('not a url')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^is not a URL: /),
    });
  });
});
