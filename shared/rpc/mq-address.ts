import type { MqAddress } from './connection.js';

/**
 * Parses a Qpid address string, `name[/subject][;{options}]` (spec §8), e.g.
 * `mq_server;{create:always,node:{type:queue,durable:true}}`. Options are a JSON-like map
 * without quotes; only `create` and `node.{type,durable}` matter here, the rest is ignored.
 */
export function parseMqAddress(text: string): MqAddress {
  const semi = text.indexOf(';');
  const head = (semi < 0 ? text : text.slice(0, semi)).trim();
  const slash = head.indexOf('/');
  const name = slash < 0 ? head : head.slice(0, slash);
  const subject = slash < 0 ? '' : head.slice(slash + 1);
  if (!/^[A-Za-z0-9_.\-:]+$/.test(name)) throw new Error(`bad MQ address "${text}": missing or invalid node name`);
  const options = semi < 0 ? {} : parseOptions(text.slice(semi + 1), text, semi + 1);
  const node = asMap(options['node']);
  const type = node['type'] ?? 'queue';
  const durable = node['durable'] ?? 'false';
  // Qpid reads true/false as booleans; anything else would be a string that Python takes as truthy.
  if (typeof durable !== 'string' || !/^(true|false)$/i.test(durable)) {
    throw new Error(`bad MQ address "${text}": durable must be true or false, not ${JSON.stringify(durable)}`);
  }
  if (type !== 'queue' && type !== 'topic')
    throw new Error(
      `bad MQ address "${text}": node type must be queue or topic, not ${typeof type === 'string' ? type : JSON.stringify(type)}`,
    );
  const create = options['create'] ?? 'never';
  if (create !== 'always' && create !== 'sender' && create !== 'receiver' && create !== 'never') {
    throw new Error(`bad MQ address "${text}": create must be always, sender, receiver or never`);
  }
  return { name, subject, type, durable: durable.toLowerCase() === 'true', create };
}

type OptionValue = string | OptionMap | OptionValue[];
interface OptionMap {
  [key: string]: OptionValue;
}

const asMap = (v: OptionValue | undefined): Record<string, OptionValue | undefined> =>
  v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : {};

/** `start` = where src begins in whole, so errors give a column in the address as written. */
function parseOptions(src: string, whole: string, start: number): OptionMap {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`bad MQ address "${whole}": ${what} at column ${start + i + 1}`);
  };
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const atom = (): string => {
    ws();
    const quote = src[i];
    if (quote === '"' || quote === "'") {
      const end = src.indexOf(quote, i + 1);
      if (end < 0) fail('unterminated string');
      const s = src.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const start = i;
    while (i < src.length && !/[\s,:{}[\]]/.test(src[i]!)) i++;
    if (i === start) fail('expected a value');
    return src.slice(start, i);
  };
  const value = (): OptionValue => {
    ws();
    if (src[i] === '{') return map();
    if (src[i] === '[') {
      i++;
      const items: OptionValue[] = [];
      ws();
      while (src[i] !== ']') {
        if (i >= src.length) fail("missing ']'");
        items.push(value());
        ws();
        if (src[i] === ',') i++;
        else if (src[i] !== ']') fail(i >= src.length ? "missing ']'" : "expected ',' or ']'");
        ws();
      }
      i++;
      return items;
    }
    return atom();
  };
  const map = (): OptionMap => {
    ws();
    if (src[i] !== '{') fail("expected '{'");
    i++;
    const out: OptionMap = {};
    ws();
    while (src[i] !== '}') {
      if (i >= src.length) fail("missing '}'");
      const key = atom();
      ws();
      if (src[i] !== ':') fail("expected ':'");
      i++;
      out[key] = value();
      ws();
      if (src[i] === ',') i++;
      else if (src[i] !== '}') fail(i >= src.length ? "missing '}'" : "expected ',' or '}'");
      ws();
    }
    i++;
    return out;
  };
  const result = map();
  ws();
  if (i < src.length) fail('unexpected trailing text');
  return result;
}
