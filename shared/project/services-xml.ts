import type { Diagnostic } from '../idl/diagnostics.js';
import type { SourceFile } from '../idl/source.js';
import type {
  Endpoint,
  EndpointAttribute,
  EndpointRef,
  InterfaceDefinition,
  Loopback,
  Route,
  RoutePair,
  Server,
  ServicesModel,
  Variable,
} from './model.js';
import { emptyServices } from './model.js';
import { Report } from './report.js';
import { checkServices } from './services-check.js';
import { didYouMean, endpointType, parseAddress, parseBoolean, parseInteger, parsePort } from './values.js';
import type { XmlAttribute, XmlElement } from './xml-tree.js';
import { parseXml } from './xml-tree.js';

export interface ServicesParseResult {
  services: ServicesModel;
  diagnostics: Diagnostic[];
}

/**
 * Reads services.xml (spec §7.1) into a model and checks it. Never throws: malformed XML gives
 * one `xml-syntax` diagnostic and an empty model; anything else gives the model with whatever
 * could be read, plus diagnostics.
 */
export function parseServicesXml(file: SourceFile): ServicesParseResult {
  const xml = parseXml(file);
  if (!xml.root) return { services: emptyServices(file.path), diagnostics: xml.diagnostics };
  const report = new Report();
  const services = readServices(xml.root, file.path, report);
  checkServices(services, report);
  return { services, diagnostics: report.diagnostics };
}

const SECTIONS = ['InterfaceDef', 'VariantDef', 'EndPoints', 'servers'] as const;
type SectionName = (typeof SECTIONS)[number];
/** The original fails without these; we carry on, so a missing one is a warning. VariantDef is optional (spec §9.2 #12). */
const EXPECTED: readonly SectionName[] = ['InterfaceDef', 'EndPoints', 'servers'];

function readServices(root: XmlElement, file: string, report: Report): ServicesModel {
  const sections = new Map<SectionName, XmlElement>();
  for (const child of root.children) {
    const name = SECTIONS.find((s) => s === child.name);
    if (!name) {
      const hint =
        child.name === 'ServiceDef'
          ? ': the legacy <ServiceDef> schema is not supported'
          : `${didYouMean(child.name, SECTIONS)}; it is ignored`;
      report.warning('unknown-element', `unexpected <${child.name}> in <${root.name}>${hint}`, child.range);
    } else if (sections.has(name)) {
      report.warning('duplicate-section', `a second <${name}>: only the first one is read`, child.range);
    } else {
      sections.set(name, child);
    }
  }
  for (const name of EXPECTED) {
    if (!sections.has(name))
      report.warning(
        'missing-section',
        `<${root.name}> has no <${name}> (the original tcelib refuses such a file)`,
        root.range,
      );
  }

  const children = (section: SectionName, tag: string): XmlElement[] => {
    const el = sections.get(section);
    if (!el) return [];
    return el.children.filter((c) => {
      if (c.name === tag) return true;
      report.warning(
        'unknown-element',
        `unexpected <${c.name}> in <${section}>${didYouMean(c.name, [tag])}; it is ignored`,
        c.range,
      );
      return false;
    });
  };

  const interfaces = children('InterfaceDef', 'if').flatMap((el) => readInterface(el, report) ?? []);
  const variables = children('VariantDef', 'var').flatMap((el) => readVariable(el, report) ?? []);
  const substitution = new Map<string, Variable>();
  for (const v of variables) if (!substitution.has(v.name)) substitution.set(v.name, v);
  const endpoints = children('EndPoints', 'ep').flatMap((el, i) => readEndpoint(el, i + 1, substitution, report) ?? []);
  const servers = children('servers', 'server').flatMap((el) => readServer(el, report) ?? []);

  const ifidx = new Map<string, number | undefined>();
  for (const i of interfaces) if (!ifidx.has(i.name)) ifidx.set(i.name, i.id);
  for (const s of servers) for (const r of s.routes) r.ifidx = ifidx.get(r.interface);

  return { file, root: root.name, interfaces, variables, endpoints, servers };
}

function checkAttributes(el: XmlElement, known: readonly string[], report: Report): void {
  for (const a of el.attributes.values()) {
    if (!known.includes(a.name))
      report.warning(
        'unknown-attribute',
        `<${el.name}> has no attribute "${a.name}"${didYouMean(a.name, known)}; it is ignored`,
        a.range,
      );
  }
}

/** The attribute, or undefined after reporting it missing (or empty, unless empty is allowed). */
function required(el: XmlElement, name: string, report: Report, allowEmpty = false): XmlAttribute | undefined {
  const a = el.attributes.get(name);
  if (!a) report.error('missing-attribute', `<${el.name}> needs a ${name} attribute`, el.range);
  else if (!allowEmpty && a.value.trim() === '')
    report.error('missing-attribute', `<${el.name}> has an empty ${name}`, a.valueRange);
  else return a;
  return undefined;
}

/** ifidx is a 16-bit field that Java and C# read as signed (spec §9.1). */
const MAX_IFIDX = 32767;

function readInterface(el: XmlElement, report: Report): InterfaceDefinition | undefined {
  checkAttributes(el, ['id', 'name'], report);
  const id = required(el, 'id', report);
  const name = required(el, 'name', report);
  if (!name) return undefined;
  let value: number | undefined;
  if (id) {
    const n = parseInteger(id.value, 0, MAX_IFIDX);
    if (n.ok) value = n.value;
    else report.error('bad-interface-id', `interface id ${n.message}`, id.valueRange);
  }
  return { id: value, name: name.value, range: el.range, ranges: { id: id?.valueRange, name: name.valueRange } };
}

function readVariable(el: XmlElement, report: Report): Variable | undefined {
  checkAttributes(el, ['name', 'value'], report);
  const name = required(el, 'name', report);
  const value = required(el, 'value', report, true);
  if (!name || !value) return undefined;
  return {
    name: name.value,
    value: value.value,
    range: el.range,
    ranges: { name: name.valueRange, value: value.valueRange },
  };
}

/** `{name}` where name has no braces, blanks or Qpid option punctuation, so address options stay as they are. */
const VARIABLE_REF = /\{([^{}\s:,;"']+)\}/g;

/** Substitutes `{variables}` (once, no recursion); undefined after reporting an undefined one. */
function substitute(attr: XmlAttribute, variables: ReadonlyMap<string, Variable>, report: Report): string | undefined {
  let defined = true;
  const text = attr.value.replace(VARIABLE_REF, (whole: string, name: string, offset: number) => {
    const v = variables.get(name);
    if (v) return v.value;
    defined = false;
    report.error(
      'undefined-variable',
      `undefined variable {${name}}${didYouMean(name, variables.keys())}: define it in <VariantDef>`,
      attr.slice(offset, offset + whole.length),
    );
    return whole;
  });
  return defined ? text : undefined;
}

const EP_ATTRIBUTES: readonly EndpointAttribute[] = [
  'name',
  'type',
  'host',
  'port',
  'address',
  'keyfile',
  'certfile',
  'compress',
  'ssl',
];

/** An attribute with its `{variables}` substituted; text is undefined when one is undefined (already reported). */
interface Substituted {
  attr: XmlAttribute;
  text: string | undefined;
}

function readEndpoint(
  el: XmlElement,
  id: number,
  variables: ReadonlyMap<string, Variable>,
  report: Report,
): Endpoint | undefined {
  checkAttributes(el, EP_ATTRIBUTES, report);
  const name = required(el, 'name', report);
  const typeAttr = required(el, 'type', report);
  if (!name) return undefined;
  const verdict = typeAttr ? endpointType(typeAttr.value) : { type: 'unsupported' as const };
  if (verdict.problem && typeAttr)
    report.add(verdict.problem.severity, verdict.problem.code, verdict.problem.message, typeAttr.valueRange);
  const ranges: Endpoint['ranges'] = {};
  for (const a of EP_ATTRIBUTES) {
    const attr = el.attributes.get(a);
    if (attr) ranges[a] = attr.valueRange;
  }
  const sub = (a: EndpointAttribute): Substituted | undefined => {
    const attr = el.attributes.get(a);
    return attr && { attr, text: substitute(attr, variables, report) };
  };
  const [host, port, address, keyfile, certfile, ssl, compress] = (
    ['host', 'port', 'address', 'keyfile', 'certfile', 'ssl', 'compress'] as const
  ).map(sub);
  const ep: Endpoint = {
    id,
    name: name.value,
    type: verdict.type,
    declaredType: typeAttr?.value ?? '',
    host: host?.text ?? host?.attr.value ?? '',
    port: undefined,
    address: address?.text ?? address?.attr.value ?? '',
    mq: undefined,
    tls: false,
    keyfile: keyfile?.text?.trim() ?? '',
    certfile: certfile?.text?.trim() ?? '',
    compress: undefined,
    range: el.range,
    ranges,
  };
  const from = (s: Substituted) => (s.text === s.attr.value ? '' : ` (from "${s.attr.value}")`);

  if (!port) report.error('missing-attribute', `<ep> needs a port attribute`, el.range);
  else if (port.text !== undefined) {
    const p = parsePort(port.text);
    if (p.ok) ep.port = p.value;
    else report.error('bad-port', `${p.message}${from(port)}`, port.attr.valueRange);
  }

  if (ep.type === 'qpid') {
    const example = `e.g. ${ep.name};{create:always,node:{type:queue,durable:true}}`;
    if (!address)
      report.error('missing-mq-address', `qpid endpoint "${ep.name}" needs an address, ${example}`, el.range);
    else if (address.text?.trim() === '')
      report.error(
        'missing-mq-address',
        `qpid endpoint "${ep.name}" has an empty address, ${example}`,
        address.attr.valueRange,
      );
    else if (address.text !== undefined) {
      const a = parseAddress(address.text);
      if (a.ok) ep.mq = a.value;
      else report.error('bad-mq-address', `${a.message}${from(address)}`, address.attr.valueRange);
    }
  }

  // TLS: an explicit ssl wins; without it, a keyfile and a certfile turn TLS on.
  if (!ssl) ep.tls = ep.keyfile !== '' && ep.certfile !== '';
  else if (ssl.text !== undefined) {
    const b = parseBoolean(ssl.text);
    if (b.ok) ep.tls = b.value;
    else report.warning('bad-boolean', `ssl ${b.message}`, ssl.attr.valueRange);
  }
  if ((ep.keyfile === '') !== (ep.certfile === '')) {
    const [given, missing] = ep.keyfile !== '' ? [keyfile, 'certfile'] : [certfile, 'keyfile'];
    report.warning(
      'tls-incomplete',
      `${given!.attr.name} without ${missing}: a TLS listener needs both${ssl ? '' : ', so TLS stays off'}`,
      given!.attr.valueRange,
    );
  }

  if (compress && compress.text !== undefined) {
    const c = parseInteger(compress.text, 0, 1);
    if (c.ok) ep.compress = c.value;
    else report.warning('bad-number', `compress ${c.message}; ignored`, compress.attr.valueRange);
  }
  return ep;
}

/** The trimmed, non-empty items of a comma list, with their offsets in the value. */
function listItems(value: string): { text: string; offset: number }[] {
  const items: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const part of value.split(',')) {
    const text = part.trim();
    if (text !== '') items.push({ text, offset: offset + part.indexOf(text) });
    offset += part.length + 1;
  }
  return items;
}

const endpointList = (attr: XmlAttribute): EndpointRef[] =>
  listItems(attr.value).map(({ text, offset }) => ({ name: text, range: attr.slice(offset, offset + text.length) }));

/** `call#return,call#return`. */
function loopbackList(attr: XmlAttribute, report: Report): Loopback[] {
  return listItems(attr.value).flatMap(({ text, offset }): Loopback[] => {
    const range = attr.slice(offset, offset + text.length);
    const hash = text.indexOf('#');
    const call = text.slice(0, hash).trim();
    const ret = text.slice(hash + 1).trim();
    if (hash < 0 || text.indexOf('#', hash + 1) >= 0 || !call || !ret) {
      report.error('bad-loopback', `loopback "${text}" is not callEndpoint#returnEndpoint`, range);
      return [];
    }
    const retOffset = offset + hash + 1 + text.slice(hash + 1).indexOf(ret);
    return [
      {
        call: { name: call, range: attr.slice(offset, offset + call.length) },
        return: { name: ret, range: attr.slice(retOffset, retOffset + ret.length) },
        range,
      },
    ];
  });
}

function readServer(el: XmlElement, report: Report): Server | undefined {
  checkAttributes(el, ['name', 'type', 'id'], report);
  const name = required(el, 'name', report);
  if (!name) return undefined;
  const type = el.attributes.get('type');
  const id = el.attributes.get('id');
  const server: Server = {
    name: name.value,
    type: type?.value ?? '',
    id: id?.value,
    routes: [],
    extraMqs: { ins: [], outs: [] },
    properties: [],
    listen: [],
    loopback: [],
    useridCheck: false,
    range: el.range,
    ranges: { name: name.valueRange, type: type?.valueRange, id: id?.valueRange },
  };
  // The value attribute of each property, by name; the last of a repeated name wins.
  const typed = new Map<string, XmlAttribute>();
  for (const child of el.children) {
    if (child.name === 'route') {
      const route = readRoute(child, report);
      if (route) server.routes.push(route);
    } else if (child.name === 'extra_mqs') {
      checkAttributes(child, ['ins', 'outs'], report);
      const ins = child.attributes.get('ins');
      const outs = child.attributes.get('outs');
      if (ins) server.extraMqs.ins.push(...endpointList(ins));
      if (outs) server.extraMqs.outs.push(...endpointList(outs));
    } else if (child.name === 'properties') {
      for (const p of child.children) {
        if (p.name !== 'property') {
          report.warning('unknown-element', `unexpected <${p.name}> in <properties>; it is ignored`, p.range);
          continue;
        }
        checkAttributes(p, ['name', 'value'], report);
        const pname = required(p, 'name', report);
        const value = required(p, 'value', report, true);
        if (!pname || !value) continue;
        if (typed.has(pname.value))
          report.warning(
            'duplicate-property',
            `property "${pname.value}" is set again; this one wins`,
            pname.valueRange,
          );
        typed.set(pname.value, value);
        server.properties.push({
          name: pname.value,
          value: value.value,
          range: p.range,
          ranges: { name: pname.valueRange, value: value.valueRange },
        });
      }
    } else {
      report.warning(
        'unknown-element',
        `unexpected <${child.name}> in <server>${didYouMean(child.name, ['route', 'extra_mqs', 'properties'])}; it is ignored`,
        child.range,
      );
    }
  }
  // The properties spec §7.1 gives a meaning to.
  const listen = typed.get('listen');
  if (listen) server.listen = endpointList(listen);
  const loopback = typed.get('loopback');
  if (loopback) server.loopback = loopbackList(loopback, report);
  const check = typed.get('userid_check');
  if (check) {
    const b = parseBoolean(check.value);
    if (b.ok) server.useridCheck = b.value;
    else report.warning('bad-boolean', `userid_check ${b.message}`, check.valueRange);
  }
  return server;
}

function readRoute(el: XmlElement, report: Report): Route | undefined {
  checkAttributes(el, ['if'], report);
  const iface = required(el, 'if', report);
  const route: Route = {
    interface: iface?.value ?? '',
    ifidx: undefined,
    calls: [],
    returns: [],
    range: el.range,
    ranges: { if: iface?.valueRange },
  };
  for (const child of el.children) {
    if (child.name !== 'call' && child.name !== 'return') {
      report.warning(
        'unknown-element',
        `unexpected <${child.name}> in <route>${didYouMean(child.name, ['call', 'return'])}; it is ignored`,
        child.range,
      );
      continue;
    }
    checkAttributes(child, ['in', 'out'], report);
    const from = required(child, 'in', report);
    const to = required(child, 'out', report);
    if (!from || !to) continue;
    const pair: RoutePair = {
      kind: child.name,
      in: { name: from.value, range: from.valueRange },
      out: { name: to.value, range: to.valueRange },
      range: child.range,
    };
    (child.name === 'call' ? route.calls : route.returns).push(pair);
  }
  return iface ? route : undefined;
}
