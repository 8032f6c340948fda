import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compile } from '../../shared/idl/compile.js';
import type { SourceFile } from '../../shared/idl/source.js';
import { interfaceDefEntries } from '../../shared/project/interface-def.js';
import type { Endpoint, ServicesModel } from '../../shared/project/model.js';
import {
  lookupRoute,
  serverByName,
  serverEndpoints,
  serverLoopbacks,
  serverRoutes,
} from '../../shared/project/routing.js';
import { parseServicesXml } from '../../shared/project/services-xml.js';

const samplePath = fileURLToPath(new URL('../../idl-samples/cluster/services.xml', import.meta.url));
const sample: SourceFile = { path: 'cluster/services.xml', text: readFileSync(samplePath, 'utf8') };

/** line:column of the n-th occurrence of `needle`, found by plain text search (independent of the parser). */
function where(text: string, needle: string, nth = 1, plus = 0): string {
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${needle}`);
  i += plus;
  const lines = text.slice(0, i).split(/\r\n|\r|\n/);
  return `${lines.length}:${lines.at(-1)!.length + 1}`;
}
const pos = (r: { start: { line: number; column: number } } | undefined) =>
  r ? `${r.start.line}:${r.start.column}` : 'none';
const queue = (name: string, type: 'queue' | 'topic' = 'queue') => ({
  name,
  subject: '',
  type,
  durable: true,
  create: 'always',
});
const names = (eps: Endpoint[]) => eps.map((e) => e.name);

function parse(text: string, path = 'services.xml'): { services: ServicesModel; codes: string[] } {
  const r = parseServicesXml({ path, text });
  return { services: r.services, codes: r.diagnostics.map((d) => `${pos(d.range)} ${d.code}`) };
}

describe('the cluster sample (idl-samples/cluster/services.xml)', () => {
  const { services, diagnostics } = parseServicesXml(sample);

  test('parses without diagnostics', () => {
    expect(diagnostics).toEqual([]);
    expect(services.root).toBe('SNS');
    expect(services.file).toBe('cluster/services.xml');
  });

  test('InterfaceDef and the entries handed to the IDL compiler', () => {
    expect(services.interfaces.map((i) => [i.id, i.name])).toEqual([
      [0, 'test.BaseServer'],
      [1, 'test.ITerminalGatewayServer'],
      [2, 'test.Server'],
      [3, 'test.ITerminal'],
    ]);
    const entries = interfaceDefEntries(services);
    expect(entries.map((e) => [e.id, e.name, pos(e.range)])).toEqual([
      [0, 'test.BaseServer', where(sample.text, '0" name="test.BaseServer')],
      [1, 'test.ITerminalGatewayServer', where(sample.text, '1" name="test.ITerminalGatewayServer')],
      [2, 'test.Server', where(sample.text, '2" name="test.Server')],
      [3, 'test.ITerminal', where(sample.text, '3" name="test.ITerminal"')],
    ]);
  });

  test('InterfaceDef entries check against the IDL compiler', () => {
    const idl: SourceFile = {
      path: 'cluster/test.idl',
      text: readFileSync(fileURLToPath(new URL('../../idl-samples/cluster/test.idl', import.meta.url)), 'utf8'),
    };
    expect(
      compile([idl], { interfaceDef: { entries: interfaceDefEntries(services), mode: 'check' } }).diagnostics,
    ).toEqual([]);
    const swapped = parseServicesXml({
      path: 's.xml',
      text: sample.text.replace('id="2" name="test.Server"', 'id="5" name="test.Server"'),
    });
    const mismatch = compile([idl], {
      interfaceDef: { entries: interfaceDefEntries(swapped.services), mode: 'check' },
    }).diagnostics;
    expect(mismatch.length).toBeGreaterThan(0);
    expect(
      mismatch.some((d) => d.range.file === 's.xml' && pos(d.range) === where(sample.text, '2" name="test.Server')),
    ).toBe(true);
  });

  test('variables', () => {
    expect(services.variables.map((v) => [v.name, v.value])).toEqual([
      ['mq-host', '127.0.0.1'],
      ['mq-port', '5672'],
      ['gws_socket_host', '127.0.0.1'],
    ]);
  });

  test('endpoints: ids in document order, variables substituted, Qpid addresses parsed', () => {
    const eps = services.endpoints;
    expect(eps.map((e) => [e.id, e.name, e.type, e.host, e.port, e.tls])).toEqual([
      [1, 'websocket_gateway', 'websocket', '127.0.0.1', 12001, false],
      [2, 'socket_gateway', 'socket', '127.0.0.1', 12002, false],
      [3, 'mq_gateway', 'qpid', '127.0.0.1', 5672, false],
      [4, 'mq_gateway_ws', 'qpid', '127.0.0.1', 5672, false],
      [5, 'mq_server', 'qpid', '127.0.0.1', 5672, false],
      [6, 'mq_gateway_broadcast', 'qpid', '127.0.0.1', 5672, false],
      [7, 'mq_user_event_listener', 'qpid', '127.0.0.1', 5672, false],
    ]);
    expect(eps.map((e) => e.mq)).toEqual([
      undefined,
      undefined,
      queue('mq_gateway'),
      queue('mq_gateway_ws'),
      queue('mq_server'),
      queue('mq_gateway_broadcast', 'topic'),
      queue('mq_user_event_listener', 'topic'),
    ]);
    expect(eps[2]!.address).toBe('mq_gateway;{create:always,node:{type:queue,durable:true}}');
    expect(eps[0]!.compress).toBeUndefined();
    // Ranges point at the element's name and at attribute values.
    expect(pos(eps[1]!.range)).toBe(where(sample.text, 'ep name="socket_gateway"'));
    expect(pos(eps[1]!.ranges.port)).toBe(where(sample.text, 'port="12002"', 1, 6));
    expect(pos(eps[4]!.ranges.host)).toBe(where(sample.text, '{mq-host}', 3));
  });

  test('gwserver: routes, extra_mqs and typed properties', () => {
    const gw = serverByName(services, 'gwserver')!;
    expect(gw.type).toBe('socket server');
    expect(
      gw.routes.map((r) => [
        r.interface,
        r.ifidx,
        r.calls.map((p) => `${p.in.name}>${p.out.name}`),
        r.returns.map((p) => `${p.in.name}>${p.out.name}`),
      ]),
    ).toEqual([
      ['test.Server', 2, ['socket_gateway>mq_server'], ['mq_gateway>socket_gateway']],
      ['test.BaseServer', 0, ['socket_gateway>mq_server'], ['mq_gateway>socket_gateway']],
      ['test.ITerminal', 3, ['mq_gateway_broadcast>socket_gateway', 'mq_gateway>socket_gateway'], []],
    ]);
    expect(gw.extraMqs.ins.map((r) => r.name)).toEqual(['mq_gateway_broadcast']);
    expect(gw.extraMqs.outs.map((r) => r.name)).toEqual(['mq_user_event_listener']);
    expect(gw.listen.map((r) => r.name)).toEqual(['socket_gateway', 'mq_gateway', 'mq_gateway_broadcast']);
    expect(gw.loopback.map((l) => [l.call.name, l.return.name])).toEqual([['mq_server', 'mq_gateway']]);
    expect(gw.useridCheck).toBe(false);
    expect(gw.properties.map((p) => [p.name, p.value])).toEqual([
      ['listen', 'socket_gateway,mq_gateway,mq_gateway_broadcast'],
      ['loopback', 'mq_server#mq_gateway'],
      ['userid_check', 'false'],
    ]);
    // Each list item has its own range inside the attribute value.
    expect(pos(gw.listen[1]!.range)).toBe(where(sample.text, 'mq_gateway,mq_gateway_broadcast"'));
    expect(pos(gw.loopback[0]!.return.range)).toBe(where(sample.text, 'mq_gateway"/>', 1));
    expect(pos(gw.routes[2]!.ranges.if)).toBe(where(sample.text, 'test.ITerminal">'));
  });

  test('gwserver: route tables, opened endpoints and loopbacks for the gateway', () => {
    const gw = serverByName(services, 'gwserver')!;
    const routes = serverRoutes(services, gw);
    expect(lookupRoute(routes.calls, 2, 'socket_gateway')?.out.name).toBe('mq_server');
    expect(lookupRoute(routes.calls, 0, 'socket_gateway')?.out.name).toBe('mq_server');
    expect(lookupRoute(routes.returns, 2, 'mq_gateway')?.out.name).toBe('socket_gateway');
    expect(lookupRoute(routes.calls, 3, 'mq_gateway_broadcast')?.out.name).toBe('socket_gateway');
    expect(lookupRoute(routes.calls, 3, 'mq_gateway')?.out.name).toBe('socket_gateway');
    expect(lookupRoute(routes.calls, 2, 'mq_gateway')).toBeUndefined();
    expect(lookupRoute(routes.returns, 3, 'mq_gateway')).toBeUndefined();
    expect(lookupRoute(routes.calls, 1, 'socket_gateway')).toBeUndefined();
    expect([...routes.calls.keys()]).toEqual([2, 0, 3]);

    const opened = serverEndpoints(services, gw);
    expect(names(opened.read)).toEqual(['socket_gateway', 'mq_gateway', 'mq_gateway_broadcast']);
    expect(names(opened.write)).toEqual(['socket_gateway', 'mq_server', 'mq_user_event_listener']);
    expect(names(opened.listen)).toEqual(['socket_gateway', 'mq_gateway', 'mq_gateway_broadcast']);
    expect(serverLoopbacks(gw)).toEqual(new Map([['mq_server', 'mq_gateway']]));
  });

  test('gwserver_ws: the same through the websocket endpoint and mq_gateway_ws', () => {
    const ws = serverByName(services, 'gwserver_ws')!;
    const routes = serverRoutes(services, ws);
    expect(lookupRoute(routes.calls, 2, 'websocket_gateway')?.out.name).toBe('mq_server');
    expect(lookupRoute(routes.returns, 2, 'mq_gateway_ws')?.out.name).toBe('websocket_gateway');
    expect(lookupRoute(routes.returns, 0, 'mq_gateway_ws')?.out.name).toBe('websocket_gateway');
    expect(lookupRoute(routes.calls, 3, 'mq_gateway_ws')?.out.name).toBe('websocket_gateway');
    expect(lookupRoute(routes.calls, 3, 'mq_gateway_broadcast')?.out.name).toBe('websocket_gateway');
    expect(lookupRoute(routes.calls, 2, 'socket_gateway')).toBeUndefined();
    const opened = serverEndpoints(services, ws);
    expect(names(opened.read)).toEqual(['websocket_gateway', 'mq_gateway_ws', 'mq_gateway_broadcast']);
    expect(names(opened.write)).toEqual(['websocket_gateway', 'mq_server', 'mq_user_event_listener']);
    expect(names(opened.listen)).toEqual(['websocket_gateway', 'mq_gateway_ws', 'mq_gateway_broadcast']);
    expect(serverLoopbacks(ws)).toEqual(new Map([['mq_server', 'mq_gateway_ws']]));
    expect(ws.useridCheck).toBe(false);
    expect(serverByName(services, 'nobody')).toBeUndefined();
  });

  test('CRLF line endings give the same model and positions by line', () => {
    const crlf = parseServicesXml({ path: 'crlf.xml', text: sample.text.replace(/\n/g, '\r\n') });
    expect(crlf.diagnostics).toEqual([]);
    const a = crlf.services.endpoints[1]!;
    const b = services.endpoints[1]!;
    expect([a.port, pos(a.range), pos(a.ranges.port)]).toEqual([b.port, pos(b.range), pos(b.ranges.port)]);
  });
});

describe('variables (spec §7.1: "{NAME}" substituted in ep host, address and port)', () => {
  // The VariantDef of the spec's example (doc/tce应用示例_python.md).
  const xml = `<SNS>
  <InterfaceDef/>
  <VariantDef>
    <var name="mq-host" value="centos66"/>
    <var name="mq-port" value="5672"/>
    <var name="gws_socket_host" value="localhost"/>
    <var name="q" value="mq_server"/>
    <var name="indirect" value="{mq-host}"/>
  </VariantDef>
  <EndPoints>
    <ep name="websocket_gateway" address="" type="websocket" host="{gws_socket_host}" port="12001" keyfile="" certfile=""/>
    <ep name="mq_server" address="{q};{create:always,node:{type:queue,durable:true}}" type="qpid" host="{mq-host}" port="{mq-port}"/>
    <ep name="other" address="x_{q}_y" type="qpid" host="{indirect}:{mq-port}" port="{mq-port}0"/>
  </EndPoints>
  <servers/>
</SNS>`;

  test('substitutes host, port and address; leaves Qpid options alone; does not recurse', () => {
    const { services, codes } = parse(xml);
    expect(codes).toEqual([]);
    const [ws, mq, other] = services.endpoints;
    expect([ws!.host, ws!.port]).toEqual(['localhost', 12001]);
    expect([mq!.host, mq!.port, mq!.address]).toEqual([
      'centos66',
      5672,
      'mq_server;{create:always,node:{type:queue,durable:true}}',
    ]);
    expect(mq!.mq).toEqual(queue('mq_server'));
    expect([other!.host, other!.port, other!.address, other!.mq?.name]).toEqual([
      '{mq-host}:5672',
      56720,
      'x_mq_server_y',
      'x_mq_server_y',
    ]);
  });

  test('a missing VariantDef is not fatal (spec §9.2 #12)', () => {
    const { services, codes } = parse(
      '<SNS><InterfaceDef/><EndPoints><ep name="a" type="socket" host="h" port="1"/></EndPoints><servers/></SNS>',
    );
    expect(codes).toEqual([]);
    expect(services.variables).toEqual([]);
    expect(services.endpoints[0]!.port).toBe(1);
  });

  test('variables also apply to keyfile, certfile, ssl and compress', () => {
    const { services, codes } =
      parse(`<SNS><InterfaceDef/><VariantDef><var name="d" value="/etc/tce"/><var name="on" value="true"/><var name="z" value="0"/></VariantDef>
<EndPoints><ep name="a" type="socket" host="h" port="1" keyfile="{d}/k.pem" certfile="{d}/c.pem" ssl="{on}" compress="{z}"/></EndPoints><servers/></SNS>`);
    expect(codes).toEqual([]);
    const ep = services.endpoints[0]!;
    expect([ep.keyfile, ep.certfile, ep.tls, ep.compress]).toEqual(['/etc/tce/k.pem', '/etc/tce/c.pem', true, 0]);
  });
});

describe('the TLS rule: ssl when given, else keyfile and certfile both set', () => {
  const fixture = fileURLToPath(new URL('../fixtures/project-ok/tls-and-amqp.xml', import.meta.url));
  const text = readFileSync(fixture, 'utf8');
  const { services, diagnostics } = parseServicesXml({ path: 'tls.xml', text });

  test('endpoints', () => {
    expect(diagnostics).toEqual([]);
    expect(services.root).toBe('cluster');
    expect(services.endpoints.map((e) => [e.name, e.type, e.declaredType, e.tls, e.host, e.port])).toEqual([
      ['tls', 'socket', 'socket', true, '0.0.0.0', 12443],
      ['plain', 'socket', 'socket', false, '0.0.0.0', 12002],
      ['events', 'qpid', 'amqp', true, 'rabbit.example', 5671],
    ]);
    expect(services.endpoints[2]!.mq).toEqual({
      name: 'events',
      subject: '',
      type: 'topic',
      durable: false,
      create: 'always',
    });
  });

  test('server: entities decoded, list items trimmed, other properties kept as strings', () => {
    const edge = serverByName(services, 'edge')!;
    expect([edge.type, edge.id]).toEqual(['free & ignored', '12']);
    expect(edge.listen.map((r) => r.name)).toEqual(['tls', 'plain']);
    // The value holds a character reference, so item offsets are inexact: items get the whole value's range.
    expect(pos(edge.listen[0]!.range)).toBe(where(text, ' tls ,'));
    expect(edge.useridCheck).toBe(true);
    expect(edge.properties.find((p) => p.name === 'custom')?.value).toBe('kept as a string');
  });
});

describe('robustness: never throws, every range lies inside the file', () => {
  const check = (text: string) => {
    const r = parseServicesXml({ path: 'f.xml', text });
    for (const d of r.diagnostics) {
      expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
      expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
      expect(d.range.start.line).toBeGreaterThanOrEqual(1);
    }
  };

  test('truncated samples', () => {
    fc.assert(
      fc.property(fc.nat(sample.text.length), (n) => check(sample.text.slice(0, n))),
      { numRuns: 300 },
    );
  });

  test('samples with a span replaced by arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.nat(sample.text.length),
        fc.nat(40),
        fc.string({
          maxLength: 12,
          unit: fc.constantFrom('<', '>', '"', "'", '&', '{', '}', '#', ',', '/', '=', ' ', 'a', '\n'),
        }),
        (at, len, s) => check(sample.text.slice(0, at) + s + sample.text.slice(at + len)),
      ),
      { numRuns: 300 },
    );
  });
});
