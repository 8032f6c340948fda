// Qpid address strings (spec §8) → MqAddress.
import { describe, expect, it } from 'vitest';
import { parseMqAddress } from '../../shared/rpc/mq-address.js';

describe('parseMqAddress', () => {
  it('reads the two forms TCE uses', () => {
    expect(parseMqAddress('mq_server;{create:always,node:{type:queue,durable:true}}')).toEqual({
      name: 'mq_server',
      type: 'queue',
      durable: true,
      create: 'always',
      subject: '',
    });
    expect(parseMqAddress('mq_gateway_broadcast;{create:always,node:{type:topic,durable:true}}')).toEqual({
      name: 'mq_gateway_broadcast',
      type: 'topic',
      durable: true,
      create: 'always',
      subject: '',
    });
  });

  it('takes a bare name as an existing, non-durable queue (create: never)', () => {
    expect(parseMqAddress('mq_gateway')).toEqual({
      name: 'mq_gateway',
      type: 'queue',
      durable: false,
      create: 'never',
      subject: '',
    });
  });

  it('splits off the subject', () => {
    expect(parseMqAddress('events/user.online;{node:{type:topic}}')).toMatchObject({
      name: 'events',
      subject: 'user.online',
      type: 'topic',
    });
  });

  it('tolerates spaces, quotes, any-case booleans, trailing commas and options it does not use', () => {
    const address = parseMqAddress(
      ` q.1 ; { create: 'receiver', node: { type: "queue", durable: True, x-declare: { arguments: { 'x-max-length': 100 } }, x-bindings: [ { exchange: amq.topic, key: 'a.#' }, ] }, link: { name: l1, reliability: unreliable }, mode: consume, } `,
    );
    expect(address).toEqual({ name: 'q.1', type: 'queue', durable: true, create: 'receiver', subject: '' });
  });

  it.each(['always', 'sender', 'receiver', 'never'] as const)('accepts create: %s', (create) => {
    expect(parseMqAddress(`q;{create:${create}}`).create).toBe(create);
  });

  it.each([
    ['', 'missing or invalid node name'],
    [';{create:always}', 'missing or invalid node name'],
    ['bad name;{}', 'missing or invalid node name'],
    ['q;{node:{type:fanout}}', 'node type must be queue or topic, not fanout'],
    ['q;{create:sometimes}', 'create must be always, sender, receiver or never'],
    ['q;{node:{durable:yes}}', 'durable must be true or false, not "yes"'],
    ['q;{node:{durable:[true]}}', 'durable must be true or false'],
    ['q;create:always', "expected '{' at column 3"],
    ['q;{create:always', "missing '}' at column 17"],
    ['q;{create always}', "expected ':' at column 11"],
    ['q;{create:always} extra', 'unexpected trailing text at column 19'],
    ["q;{create:'always}", 'unterminated string at column 11'],
    ['q;{x:[a,b', "missing ']' at column 10"],
    ['q;{x:[a b]}', "expected ',' or ']' at column 9"],
    ['q;{a:1 b:2}', "expected ',' or '}' at column 8"],
    ['q;{:x}', 'expected a value at column 4'],
  ])('rejects %j: %s', (text, message) => {
    expect(() => parseMqAddress(text)).toThrow(`bad MQ address "${text}": ${message}`);
  });
});
