import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { SourceFile } from '../../shared/idl/source.js';
import { parseConfigYml } from '../../shared/project/config-yml.js';
import { loadProject } from '../../shared/project/project.js';
import { backEndEndpoints, backEndInterfaces, clientInterfaces, pushRoutes } from '../../shared/project/routing.js';

const read = (rel: string, path: string): SourceFile => ({
  path,
  text: readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8'),
});
const configYml = read('../../idl-samples/cluster/config.yml', 'cluster/config.yml');
const servicesXml = read('../../idl-samples/cluster/services.xml', 'cluster/services.xml');
const queue = (name: string, type: 'queue' | 'topic' = 'queue') => ({
  name,
  subject: '',
  type,
  durable: true,
  create: 'always',
});

describe('the cluster sample (idl-samples/cluster/config.yml)', () => {
  const { config, diagnostics } = parseConfigYml(configYml);

  test('parses without diagnostics', () => {
    expect(diagnostics).toEqual([]);
    expect(config.file).toBe('cluster/config.yml');
  });

  test('common_defs endpoints', () => {
    expect(config.endpoints.map((e) => [e.name, e.host, e.port, e.type, e.mq])).toEqual([
      ['mq_gateway', '127.0.0.1', 5672, 'qpid', queue('mq_gateway')],
      ['mq_gateway_ws', '127.0.0.1', 5672, 'qpid', queue('mq_gateway_ws')],
      ['mq_server', '127.0.0.1', 5672, 'qpid', queue('mq_server')],
      ['mq_gateway_broadcast', '127.0.0.1', 5672, 'qpid', queue('mq_gateway_broadcast', 'topic')],
    ]);
    const lines = configYml.text.split('\n');
    const r = config.endpoints[2]!.ranges.address!;
    expect(lines[r.start.line - 1]!.slice(r.start.column - 1)).toBe(
      'mq_server;{create:always,node:{type:queue,durable:true}}',
    );
  });

  test('the server section: what the back end reads and writes', () => {
    expect(config.servers.map((s) => [s.name, s.endpoints.map((e) => `${e.name}:${e.mode}`), s.pairs])).toEqual([
      ['server', ['mq_gateway:write', 'mq_server:read', 'mq_gateway_ws:write', 'mq_gateway_broadcast:write'], []],
    ]);
    const backEnd = backEndEndpoints(config, 'server')!;
    expect(backEnd.read.map((e) => [e.name, e.address])).toEqual([['mq_server', queue('mq_server')]]);
    expect(backEnd.write.map((e) => e.name)).toEqual(['mq_gateway', 'mq_gateway_ws', 'mq_gateway_broadcast']);
    expect(backEnd.loopbacks).toEqual(new Map());
    expect(backEndEndpoints(config, 'nobody')).toBeUndefined();
  });

  test('loaded together with services.xml: no diagnostics', () => {
    const project = loadProject({ servicesXml, configYml });
    expect(project.diagnostics).toEqual([]);
    expect(project.services.servers.map((s) => s.name)).toEqual(['gwserver', 'gwserver_ws']);
    expect(project.config?.servers.map((s) => s.name)).toEqual(['server']);
    expect(loadProject({ servicesXml }).config).toBeUndefined();
  });

  test('who implements what: the back end serves what routes send to its queue; clients what routes take from queues to them', () => {
    const { services, config: both } = loadProject({ servicesXml, configYml });
    expect(backEndInterfaces(services, backEndEndpoints(both!, 'server')!)).toEqual(['test.BaseServer', 'test.Server']);
    expect(clientInterfaces(services)).toEqual(['test.ITerminal']);
    // A push to a user goes on a gateway's queue; every gateway also reads the broadcast topic.
    expect(
      pushRoutes(services, 'test.ITerminal').map((r) => `${r.gateway} ${r.endpoint.name}${r.topic ? ' topic' : ''}`),
    ).toEqual([
      'gwserver mq_gateway_broadcast topic',
      'gwserver mq_gateway',
      'gwserver_ws mq_gateway_broadcast topic',
      'gwserver_ws mq_gateway_ws',
    ]);
    expect(pushRoutes(services, 'test.Server')).toEqual([]);
  });
});

describe('server sections', () => {
  const yml = `
common_defs:
  endpoints:
    - { name: calls, host: 127.0.0.1, port: 5672, address: calls }
    - { name: replies, host: 127.0.0.1, port: "5672", address: "replies;{create:always,node:{type:queue,durable:true}}", type: AMQP }
client:
  endpoints:
    - { name: calls, af_mode: Af_Write }
    - { name: replies }
  endpoint_pairs:
    - { call: calls, return: replies }
worker:
  endpoints:
    - { name: calls, af_mode: af_read }
    - { name: replies, af_mode: AF_WRITE }
`;
  const { config, diagnostics } = parseConfigYml({ path: 'c.yml', text: yml });

  test('af_mode is case-insensitive, a missing one reads; type and port spellings', () => {
    expect(diagnostics).toEqual([]);
    expect(config.endpoints.map((e) => [e.name, e.type, e.port, e.mq?.name, e.mq?.create])).toEqual([
      ['calls', 'qpid', 5672, 'calls', 'never'],
      ['replies', 'qpid', 5672, 'replies', 'always'],
    ]);
    expect(config.servers.map((s) => s.endpoints.map((e) => `${e.name}:${e.mode}`))).toEqual([
      ['calls:write', 'replies:read'],
      ['calls:read', 'replies:write'],
    ]);
  });

  test('endpoint_pairs become loopbacks', () => {
    const client = backEndEndpoints(config, 'client')!;
    expect(client.loopbacks).toEqual(new Map([['calls', 'replies']]));
    expect(client.write.map((e) => e.name)).toEqual(['calls']);
    expect(client.read.map((e) => e.name)).toEqual(['replies']);
  });

  test('an empty file is an empty config', () => {
    expect(parseConfigYml({ path: 'e.yml', text: '' })).toEqual({
      config: { file: 'e.yml', endpoints: [], servers: [] },
      diagnostics: [],
    });
  });
});

test('never throws on damaged YAML; ranges stay inside the file', () => {
  fc.assert(
    fc.property(
      fc.nat(configYml.text.length),
      fc.nat(20),
      fc.string({ maxLength: 8, unit: fc.constantFrom(':', '-', ' ', '\t', '\n', '{', '[', '"', 'a', '#', '&', '*') }),
      (at, len, s) => {
        const text = configYml.text.slice(0, at) + s + configYml.text.slice(at + len);
        for (const d of parseConfigYml({ path: 'f.yml', text }).diagnostics) {
          expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
          expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
        }
      },
    ),
    { numRuns: 300 },
  );
});
