import type { SourceRange } from '../idl/source.js';
import type { Endpoint, EndpointRef, Server, ServicesModel } from './model.js';
import { isMqType } from './model.js';
import { at, type Report } from './report.js';
import { didYouMean } from './values.js';

/** Cross-reference checks of a services.xml model: names, routes and what a gateway built from it would do. */
export function checkServices(services: ServicesModel, report: Report): void {
  const reportDuplicates = <T>(
    items: T[],
    key: (t: T) => string | number | undefined,
    range: (t: T) => SourceRange,
    code: string,
    what: (k: string | number) => string,
  ) => {
    const seen = new Map<string | number, SourceRange>();
    for (const item of items) {
      const k = key(item);
      if (k === undefined) continue;
      const earlier = seen.get(k);
      if (earlier)
        report.error(
          code,
          `${what(k)} is already defined at ${earlier.start.line}:${earlier.start.column}`,
          range(item),
        );
      else seen.set(k, range(item));
    }
  };
  reportDuplicates(
    services.interfaces,
    (i) => i.id,
    (i) => i.ranges.id ?? i.range,
    'duplicate-interface-id',
    (k) => `interface id ${k}`,
  );
  reportDuplicates(
    services.interfaces,
    (i) => i.name,
    (i) => i.ranges.name ?? i.range,
    'duplicate-interface-name',
    (k) => `interface ${k}`,
  );
  reportDuplicates(
    services.variables,
    (v) => v.name,
    (v) => v.ranges.name ?? v.range,
    'duplicate-variable',
    (k) => `variable ${k}`,
  );
  reportDuplicates(
    services.endpoints,
    (e) => e.name,
    (e) => e.ranges.name ?? e.range,
    'duplicate-endpoint',
    (k) => `endpoint ${k}`,
  );
  reportDuplicates(
    services.servers,
    (s) => s.name,
    (s) => s.ranges.name ?? s.range,
    'duplicate-server',
    (k) => `server ${k}`,
  );

  const endpoints = new Map<string, Endpoint>();
  for (const e of services.endpoints) if (!endpoints.has(e.name)) endpoints.set(e.name, e);
  const declared = new Set(services.interfaces.map((i) => i.name));
  for (const server of services.servers) checkServer(server, endpoints, declared, report);
}

function checkServer(
  server: Server,
  endpoints: ReadonlyMap<string, Endpoint>,
  interfaces: ReadonlySet<string>,
  report: Report,
): void {
  const resolve = (ref: EndpointRef, where: string): Endpoint | undefined => {
    const ep = endpoints.get(ref.name);
    if (!ep)
      report.error(
        'unknown-endpoint',
        `${where}: unknown endpoint "${ref.name}"${didYouMean(ref.name, endpoints.keys())}; it is not in <EndPoints>`,
        ref.range,
      );
    return ep;
  };
  const s = `server "${server.name}"`;

  // What the gateway opens (spec §7.1): routes' and extra_mqs' ins are read, outs written.
  const reads = new Set<string>();
  const writes = new Set<string>();
  const listen = new Set<string>();
  for (const ref of server.listen) if (resolve(ref, `${s} listen`)) listen.add(ref.name);

  const routed = new Map<string, SourceRange>();
  for (const route of server.routes) {
    const where = `route ${route.interface}`;
    if (!interfaces.has(route.interface)) {
      report.error(
        'unknown-interface',
        `${where}: interface ${route.interface} is not in <InterfaceDef>${didYouMean(route.interface, interfaces)}`,
        route.ranges.if ?? route.range,
      );
    }
    const earlier = routed.get(route.interface);
    if (earlier)
      report.warning(
        'duplicate-route',
        `a second route for ${route.interface} in ${s} (the first is at ${earlier.start.line}:${earlier.start.column}); their pairs are merged`,
        route.ranges.if ?? route.range,
      );
    else routed.set(route.interface, route.ranges.if ?? route.range);
  }
  const pairsSeen = new Map<string, SourceRange>();
  for (const route of server.routes) {
    for (const pair of [...route.calls, ...route.returns]) {
      const where = `<${pair.kind}> of route ${route.interface}`;
      const from = resolve(pair.in, where);
      const to = resolve(pair.out, where);
      if (from) reads.add(from.name);
      if (to) writes.add(to.name);
      const key = `${route.interface}\u0000${pair.kind}\u0000${pair.in.name}`;
      const earlier = pairsSeen.get(key);
      if (earlier) {
        report.warning(
          'duplicate-route-pair',
          `${pair.kind}s of ${route.interface} arriving on "${pair.in.name}" are already routed at ${earlier.start.line}:${earlier.start.column}; this one wins`,
          pair.in.range,
        );
      }
      pairsSeen.set(key, pair.in.range);
      for (const [ep, ref, role] of [
        [from, pair.in, 'arrive on'],
        [to, pair.out, 'leave through'],
      ] as const) {
        if (ep && !isMqType(ep.type) && ep.type !== 'unsupported' && !listen.has(ep.name)) {
          report.warning(
            'not-listening',
            `${route.interface} ${pair.kind}s ${role} ${ep.type} endpoint "${ep.name}", but ${s} does not listen on it (add it to the listen property)`,
            ref.range,
          );
        }
      }
    }
  }
  for (const [refs, set, dir] of [
    [server.extraMqs.ins, reads, 'ins'],
    [server.extraMqs.outs, writes, 'outs'],
  ] as const) {
    for (const ref of refs) {
      const ep = resolve(ref, `${s} extra_mqs ${dir}`);
      if (!ep) continue;
      set.add(ep.name);
      if (!isMqType(ep.type))
        report.warning(
          'extra-mq-not-mq',
          `extra_mqs ${dir}: "${ep.name}" is a ${ep.type} endpoint, not a message queue`,
          ref.range,
        );
    }
  }
  for (const ref of server.listen) {
    const ep = endpoints.get(ref.name);
    if (!ep) continue;
    if (isMqType(ep.type)) reads.add(ep.name);
    else if (ep.tls && (ep.keyfile === '' || ep.certfile === '')) {
      report.warning(
        'tls-no-key',
        `${s} listens with TLS on "${ep.name}", which has no keyfile and certfile`,
        ref.range,
      );
    }
  }

  // Loopbacks (spec §3.4): CALLs written to `call` carry __mq_return__ = `return`, where replies arrive.
  const replyTo = new Map<string, EndpointRef>();
  for (const lb of server.loopback) {
    const call = resolve(lb.call, `${s} loopback`);
    const ret = resolve(lb.return, `${s} loopback`);
    for (const [ep, ref] of [
      [call, lb.call],
      [ret, lb.return],
    ] as const) {
      if (ep && !isMqType(ep.type))
        report.error(
          'loopback-not-mq',
          `loopback endpoint "${ep.name}" is a ${ep.type} endpoint; both sides of a loopback must be message queues`,
          ref.range,
        );
    }
    if (call && !writes.has(call.name))
      report.warning(
        'loopback-not-written',
        `loopback "${call.name}": ${s} never writes to it (no route or extra_mqs out), so the loopback has no effect`,
        lb.call.range,
      );
    if (ret && !reads.has(ret.name))
      report.warning(
        'loopback-not-read',
        `loopback reply endpoint "${ret.name}": ${s} never reads it (no route in, extra_mqs in or listen), so replies sent there are lost`,
        lb.return.range,
      );
    replyTo.set(lb.call.name, lb.return);
  }

  const warnedNoLoopback = new Set<string>();
  for (const route of server.routes) {
    for (const pair of route.calls) {
      const out = endpoints.get(pair.out.name);
      if (!out || out.type !== 'qpid' || out.mq?.type === 'topic') continue;
      const reply = replyTo.get(out.name);
      if (!reply) {
        if (!warnedNoLoopback.has(out.name)) {
          report.warning(
            'no-loopback',
            `calls routed to queue "${out.name}" carry no __mq_return__ because ${s} has no loopback ${out.name}#<reply endpoint>: back ends cannot answer two-way calls`,
            pair.out.range,
          );
        }
        warnedNoLoopback.add(out.name);
      } else if (
        !server.routes.some((r) => r.interface === route.interface && r.returns.some((p) => p.in.name === reply.name))
      ) {
        report.warning(
          'no-return-route',
          `${route.interface} calls go to "${out.name}" and are answered on "${reply.name}" (loopback at ${at(reply.range)}), but route ${route.interface} has no <return in="${reply.name}">: replies will be dropped`,
          pair.out.range,
        );
      }
    }
  }

  if (server.routes.length === 0)
    report.info('no-routes', `${s} has no routes: it forwards nothing`, server.ranges.name ?? server.range);
}
