// The feed's filter language (shared/console-api/feed-query.ts) and what a filter means
// (feed-filter.ts): one meaning for the host and the renderer.
import { describe, expect, it } from 'vitest';
import { FeedPayloads, MAX_PAYLOAD_TEXT, payloadText, valueText } from '../../shared/console-api/feed-decode.js';
import {
  feedPredicate,
  headerText,
  isEmptyFilter,
  readsPayload,
  userLabel,
  wholeCalls,
} from '../../shared/console-api/feed-filter.js';
import {
  describeQueryError,
  globMatcher,
  parseFeedQuery,
  type FilterNode,
} from '../../shared/console-api/feed-query.js';
import type { FeedEntry, FeedFilter } from '../../shared/console-api/types.js';
import { compile } from '../../shared/idl/compile.js';
import type { IdlModel } from '../../shared/idl/model.js';
import { resolveOperation } from '../../shared/idl/model.js';
import { base64ToBytes } from '../../shared/wire/base64.js';
import { createCodec } from '../../shared/wire/codec.js';
import { CallType, encodeMessage, rpcMessage } from '../../shared/wire/message.js';
import { feedEntry } from '../support/feed-entries.js';

/** A project of our own: a struct, a sequence of it, a dictionary, and an interface that extends another. */
const SHOP_IDL = `module shop{
	struct Item_t{
		string sku;
		int qty;
	};
	sequence<Item_t> ItemList_t;
	dictionary<string, string> Tags_t;
	interface Catalog{
		string find(string sku);
	};
	interface Orders extends Catalog{
		int place(ItemList_t items, Tags_t tags);
	};
}
`;

function shopModel(): IdlModel {
  const { model, diagnostics } = compile([{ path: 'shop.idl', text: SHOP_IDL }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return model;
}

const entry = feedEntry;

const node = (query: string): FilterNode | undefined => {
  const parsed = parseFeedQuery(query);
  if (!parsed.ok) throw new Error(describeQueryError(parsed.error));
  return parsed.node;
};

const errorOf = (query: string) => {
  const parsed = parseFeedQuery(query);
  if (parsed.ok) throw new Error(`"${query}" parsed: ${JSON.stringify(parsed.node)}`);
  return parsed.error;
};

/** The text an error points at. */
const at = (query: string): string => {
  const e = errorOf(query);
  return query.slice(e.start, e.end);
};

const matches = (query: string, e: FeedEntry, searchText?: (e: FeedEntry) => string): boolean =>
  feedPredicate({ query }, searchText)(e);

describe('filter grammar', () => {
  it('reads free text, quoted phrases and field terms, lower-cased', () => {
    expect(node('Hello')).toEqual({ kind: 'text', text: 'hello' });
    expect(node('"Two  Words"')).toEqual({ kind: 'text', text: 'two  words' });
    expect(node('method:Echo')).toEqual({ kind: 'method', interface: undefined, method: 'echo' });
    expect(node('method:test.Server.echo')).toEqual({ kind: 'method', interface: 'test.server', method: 'echo' });
    expect(node('if:Server')).toEqual({ kind: 'interface', pattern: 'server' });
    expect(node('HOP:Queue')).toEqual({ kind: 'hop', hop: 'queue' });
    expect(node('dir:out')).toEqual({ kind: 'dir', direction: 'out' });
    expect(node('endpoint:socket_*')).toEqual({ kind: 'endpoint', pattern: 'socket_*' });
    expect(node('gw:gwserver')).toEqual({ kind: 'gateway', pattern: 'gwserver' });
    expect(node('user:gwserver/2')).toEqual({ kind: 'user', gateway: 'gwserver', user: '2' });
    expect(node('seq:12')).toEqual({ kind: 'compare', field: 'seq', op: '=', value: 12 });
    expect(node('errcode:4')).toEqual({ kind: 'compare', field: 'errcode', op: '=', value: 4 });
    expect(node('errcode:RPCERROR_TIMEOUT')).toEqual({ kind: 'compare', field: 'errcode', op: '=', value: 2 });
    expect(node('errcode:interface_notfound')).toEqual({ kind: 'compare', field: 'errcode', op: '=', value: 4 });
    expect(node('size>1000')).toEqual({ kind: 'compare', field: 'size', op: '>', value: 1000 });
    expect(node('size<=64B')).toEqual({ kind: 'compare', field: 'size', op: '<=', value: 64 });
    expect(node('latency>=0.5ms')).toEqual({ kind: 'compare', field: 'latency', op: '>=', value: 0.5 });
    expect(node('extra.Name=Scott.Bo')).toEqual({ kind: 'extra', key: 'name', pattern: 'scott.bo' });
    expect(node('extra.name:"scott bo"')).toEqual({ kind: 'extra', key: 'name', pattern: 'scott bo' });
    expect(node('kind:async')).toEqual({ kind: 'entry-kind', entryKind: 'async' });
    expect(node('call:call:1:7@gwserver')).toEqual({ kind: 'call', correlation: 'call:1:7@gwserver' });
    expect(node('name=scott')).toEqual({ kind: 'text', text: 'name=scott' });
    expect(node('run:Run-3')).toEqual({ kind: 'run', pattern: 'run-3' });
    expect(node('saved:"orders/new order"')).toEqual({ kind: 'saved', pattern: 'orders/new order' });
  });

  it('quoted values are literal: a * in quotes is a star, not a wildcard', () => {
    expect(node('method:"ec*"')).toEqual({ kind: 'method', interface: undefined, method: 'ec\\*' });
    expect(globMatcher('ec\\*')('ec*')).toBe(true);
    expect(globMatcher('ec\\*')('echo')).toBe(false);
    expect(globMatcher('ec*')('echo')).toBe(true);
  });

  it('gives AND (or nothing) precedence over OR, and NOT and - bind to one term', () => {
    expect(node('a b OR c')).toEqual({
      kind: 'or',
      items: [{ kind: 'and', items: [text('a'), text('b')] }, text('c')],
    });
    expect(node('a AND b or c')).toEqual({
      kind: 'or',
      items: [{ kind: 'and', items: [text('a'), text('b')] }, text('c')],
    });
    expect(node('a (b OR c)')).toEqual({
      kind: 'and',
      items: [text('a'), { kind: 'or', items: [text('b'), text('c')] }],
    });
    expect(node('NOT a b')).toEqual({ kind: 'and', items: [{ kind: 'not', item: text('a') }, text('b')] });
    expect(node('-hop:queue -"x y"')).toEqual({
      kind: 'and',
      items: [
        { kind: 'not', item: { kind: 'hop', hop: 'queue' } },
        { kind: 'not', item: text('x y') },
      ],
    });
    expect(node('-(a OR b)')).toEqual({ kind: 'not', item: { kind: 'or', items: [text('a'), text('b')] } });
    expect(node('not not a')).toEqual({ kind: 'not', item: { kind: 'not', item: text('a') } });
    // Quoted keywords and hyphens inside words are text.
    expect(node('"or" well-known')).toEqual({ kind: 'and', items: [text('or'), text('well-known')] });
    expect(node('')).toBeUndefined();
    expect(node('   ')).toBeUndefined();
  });

  it('says where a query is wrong, and never reads it as another query', () => {
    expect(errorOf('hop:moon')).toMatchObject({
      message: 'hop: is console, proxy, gateway, queue or server, not "moon"',
      start: 0,
      end: 8,
    });
    expect(at('echo dir:up')).toBe('dir:up');
    expect(errorOf('colour:red').message).toMatch(/unknown field "colour".*quote it: "colour:red"/);
    expect(at('a colour:red')).toBe('colour');
    expect(errorOf('(a OR b').message).toMatch(/never closed/);
    expect(at('x (a OR b')).toBe('(');
    expect(at('a OR b)')).toBe(')');
    expect(at('a OR')).toBe('OR');
    expect(at('OR a')).toBe('OR');
    expect(at('a AND AND b')).toBe('AND');
    expect(at('a NOT')).toBe('NOT');
    expect(at('()')).toBe('()');
    expect(errorOf('"open').message).toMatch(/never closed/);
    expect(at('a "open')).toBe('"');
    expect(errorOf('a - b').message).toMatch(/- needs a term right after it/);
    expect(errorOf('method:').message).toBe('method: needs a value');
    expect(errorOf('size>big').message).toMatch(/size> needs a number of bytes, not "big"/);
    expect(errorOf('latency>fast').message).toMatch(/milliseconds/);
    expect(errorOf('method>3').message).toMatch(/method cannot be compared with >/);
    expect(errorOf('errcode:NOPE').message).toMatch(/not an error code/);
    expect(errorOf('user:gw/').message).toMatch(/user:ID or user:GATEWAY\/ID/);
    expect(errorOf('extra.name').message).toMatch(/extra.name needs a value/);
    expect(errorOf('>5').message).toMatch(/needs a field before it/);
    expect(errorOf('a"b"').message).toMatch(/put a space before it/);
    expect(errorOf('kind:maybe').message).toBe('kind: is call, oneway, async, return, error or push, not "maybe"');
    expect(describeQueryError(errorOf('echo dir:up'))).toBe('column 6: dir: is in or out, not "up"');
  });

  it('notes that a user id alone matches that user at every gateway', () => {
    const parsed = parseFeedQuery('user:2');
    expect(parsed.ok && parsed.notes).toEqual([
      'user:2 matches user 2 at every gateway (each gateway counts its own users): write user:GATEWAY/2 for one',
    ]);
    const one = parseFeedQuery('user:gwserver/2');
    expect(one.ok && one.notes).toEqual([]);
  });
});

const text = (t: string): FilterNode => ({ kind: 'text', text: t });

describe('filter meaning', () => {
  const e = entry(1, { note: 'forwarded to mq_server', latencyMs: 0.42, size: 1500 });

  it('matches fields case-insensitively, interfaces by full or short name, wildcards where asked', () => {
    expect(matches('if:Server method:ECHO extra.name=SCOTT.BO', e)).toBe(true);
    expect(matches('method:test.server.echo', e)).toBe(true);
    expect(matches('method:Server.echo', e)).toBe(true);
    expect(matches('method:other.Server.echo', e)).toBe(false);
    expect(matches('method:ec*', e)).toBe(true);
    expect(matches('if:erver', e)).toBe(false);
    expect(matches('if:test.*', e)).toBe(true);
    expect(matches('endpoint:SOCKET_GATEWAY', e)).toBe(true);
    expect(matches('endpoint:socket', e)).toBe(false);
    expect(matches('extra.name=alice', e)).toBe(false);
    expect(matches('extra.name=*', e)).toBe(true);
    expect(matches('extra.other=*', e)).toBe(false);
    expect(matches('FORWARDED', e)).toBe(true);
    expect(matches('name=scott', e)).toBe(true);
    expect(matches('size>1000 size<2000 latency<1 latency>0.4', e)).toBe(true);
    expect(matches('size:1500 seq:1 errcode:0', e)).toBe(true);
    expect(matches('latency>1', e)).toBe(false);
    // An entry without latency never matches a latency condition.
    expect(matches('latency<1', entry(2))).toBe(false);
  });

  it('run: and saved: match the entries a collection or load run made, by run id and saved call', () => {
    const tagged = entry(2, { run: { run: 'run-3', call: 'orders/New order' } });
    const other = entry(3, { run: { run: 'load-4', call: 'echo' } });
    const untagged = entry(4);
    const all = [tagged, other, untagged];
    expect(all.map((x) => matches('run:run-3', x))).toEqual([true, false, false]);
    expect(all.map((x) => matches('run:*', x))).toEqual([true, true, false]);
    expect(all.map((x) => matches('saved:orders/*', x))).toEqual([true, false, false]);
    expect(all.map((x) => matches('saved:"orders/new order"', x))).toEqual([true, false, false]);
    expect(all.map((x) => matches('run:run-3 -saved:echo', x))).toEqual([true, false, false]);
    expect(all.map((x) => matches('-run:*', x))).toEqual([false, false, true]);
  });

  it('user:N matches any gateway, user:GATEWAY/N one; gw: the gateway', () => {
    const other = entry(2, { gateway: 'gwserver_ws' });
    const unknown = entry(3, { gateway: undefined });
    expect([e, other, unknown].map((x) => matches('user:7', x))).toEqual([true, true, true]);
    expect([e, other, unknown].map((x) => matches('user:gwserver/7', x))).toEqual([true, false, false]);
    expect([e, other, unknown].map((x) => matches('gw:gwserver', x))).toEqual([true, false, false]);
    expect([e, other].map((x) => matches('gw:gw*', x))).toEqual([true, true]);
    expect(matches('gwserver/7', e)).toBe(true);
    expect(userLabel(e)).toBe('gwserver/7');
    expect(userLabel(unknown)).toBe('7');
    expect(userLabel(entry(4, { userId: undefined }))).toBe('');
  });

  it('combines with AND, OR, NOT and parentheses', () => {
    const server = entry(2, { hop: 'server', direction: 'in' });
    const queue = entry(3, { hop: 'queue', direction: 'out' });
    const q = '(hop:server OR hop:queue) -dir:out';
    expect([e, server, queue].map((x) => matches(q, x))).toEqual([false, true, false]);
    expect([e, server, queue].map((x) => matches('NOT hop:gateway', x))).toEqual([false, true, true]);
    expect([e, server, queue].map((x) => matches('hop:gateway OR dir:out', x))).toEqual([true, false, true]);
  });

  it('tells kinds apart: async calls, one-way calls, pushes and error RETURNs', () => {
    const async = entry(2, { calltype: CallType.CALL | CallType.ASYNC });
    const oneway = entry(3, { kind: 'oneway', calltype: CallType.CALL | CallType.ONEWAY });
    const push = entry(4, { push: true, kind: 'oneway' });
    const error = entry(5, { kind: 'error', errcode: 4, calltype: CallType.RETURN });
    const all = [e, async, oneway, push, error];
    expect(all.map((x) => matches('kind:call', x))).toEqual([true, true, false, false, false]);
    expect(all.map((x) => matches('kind:async', x))).toEqual([false, true, false, false, false]);
    expect(all.map((x) => matches('kind:oneway', x))).toEqual([false, false, true, true, false]);
    expect(all.map((x) => matches('kind:push', x))).toEqual([false, false, false, true, false]);
    expect(all.map((x) => matches('errcode>0', x))).toEqual([false, false, false, false, true]);
    expect(all.map((x) => matches('errcode:INTERFACE_NOTFOUND', x))).toEqual([false, false, false, false, true]);
    expect(headerText(error)).toContain('rpcerror_interface_notfound');
    expect(headerText(async)).toContain('async');
  });

  it('structured FeedFilter fields mean the same as their query terms, and AND with the query', () => {
    const filters: [FeedFilter, string][] = [
      [
        {
          interface: 'Server',
          method: 'echo',
          direction: 'in',
          hop: 'gateway',
          userId: '7',
          extra: { name: 'scott.bo' },
        },
        'if:Server method:echo dir:in hop:gateway user:7 extra.name=scott.bo',
      ],
      [{ text: 'forwarded to' }, '"forwarded to"'],
      [{ method: 'ec*' }, 'method:"ec*"'],
    ];
    for (const [filter, query] of filters) expect(feedPredicate(filter)(e)).toBe(matches(query, e));
    expect(feedPredicate({ hop: 'gateway', query: 'dir:out' })(e)).toBe(false);
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ query: '  ' })).toBe(true);
    expect(isEmptyFilter({ query: 'a' })).toBe(false);
    expect(isEmptyFilter({ wholeCalls: true })).toBe(true);
    expect(() => feedPredicate({ query: 'hop:moon' })).toThrow(/column 1: hop: is console/);
  });

  it('widens to whole calls: every entry of a call one of whose entries matches', () => {
    const entries = [
      entry(1, { correlation: 'a', hop: 'console' }),
      entry(2, { correlation: 'b', hop: 'console' }),
      entry(3, { correlation: 'a', hop: 'server' }),
      entry(4, { correlation: 'b', hop: 'gateway' }),
    ];
    expect(wholeCalls(entries, feedPredicate({ query: 'hop:server' })).map((x) => x.id)).toEqual([1, 3]);
  });
});

describe('payload search', () => {
  const model = shopModel();
  const codec = createCodec(model);
  const place = resolveOperation(model, 'shop.Orders', 'place')!;
  const find = resolveOperation(model, 'shop.Orders', 'find')!;
  const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

  /** An inherited operation travels with its declaring interface's ifidx (spec §1.7). */
  function callEntry(
    id: number,
    { op, owner, ifidx } = place,
    args: unknown = { items: [{ sku: 'AB-12', qty: 3 }], tags: { Colour: 'Teal' } },
  ): FeedEntry {
    const message = rpcMessage({
      sequence: id,
      ifidx,
      opidx: op.index,
      params: codec.encodeParams(op, args as Record<string, unknown>),
    });
    const raw = encodeMessage(message);
    return entry(id, {
      interface: owner.qname,
      method: op.name,
      ifidx,
      opidx: op.index,
      raw: b64(raw),
      size: raw.length,
    });
  }

  function returnEntry(id: number, value: number): FeedEntry {
    const message = rpcMessage({
      sequence: id,
      calltype: CallType.RETURN,
      ifidx: place.ifidx,
      opidx: place.op.index,
      params: codec.encodeResult(place.op, value),
    });
    const raw = encodeMessage(message);
    return entry(id, {
      kind: 'return',
      calltype: CallType.RETURN,
      interface: 'shop.Orders',
      method: 'place',
      ifidx: place.ifidx,
      opidx: place.op.index,
      raw: b64(raw),
      size: raw.length,
    });
  }

  it('finds text in decoded arguments, results (structs, sequences, dictionaries) and error reasons', () => {
    const payloads = new FeedPayloads(model, (x) => base64ToBytes(x.raw));
    const search = (x: FeedEntry) => payloads.searchText(x);
    const call = callEntry(1);
    const inherited = callEntry(2, find, ['ZZ-9']);
    const result = returnEntry(3, 4711);
    const error = entry(4, { kind: 'error', errcode: 6, calltype: CallType.RETURN, ifidx: 0, opidx: 0 });
    const all = [call, inherited, result, error];
    expect(all.map((x) => matches('ab-12', x, search))).toEqual([true, false, false, false]);
    expect(all.map((x) => matches('"colour"', x, search))).toEqual([true, false, false, false]);
    expect(all.map((x) => matches('teal qty', x, search))).toEqual([true, false, false, false]);
    expect(all.map((x) => matches('zz-9', x, search))).toEqual([false, true, false, false]);
    expect(all.map((x) => matches('4711', x, search))).toEqual([false, false, true, false]);
    expect(all.map((x) => matches('"remote method threw"', x, search))).toEqual([false, false, false, true]);
    // Payload terms combine with field terms like any other.
    expect(all.map((x) => matches('method:find OR teal', x, search))).toEqual([true, true, false, false]);
    expect(all.map((x) => matches('-teal kind:call', x, search))).toEqual([false, true, false, false]);
    // Without a payload reader, free text sees the header only.
    expect(matches('teal', call)).toBe(false);
    expect(readsPayload(node('teal hop:gateway'))).toBe(true);
    expect(readsPayload(node('hop:gateway -dir:in'))).toBe(false);
  });

  it('decodes each entry once, and only where cheaper terms do not decide', () => {
    let decodes = 0;
    const payloads = new FeedPayloads(model, (x) => {
      decodes++;
      return base64ToBytes(x.raw);
    });
    const search = (x: FeedEntry) => payloads.searchText(x);
    const entries = [callEntry(1), callEntry(2, find, ['x']), { ...callEntry(3), hop: 'server' as const }];
    const match = feedPredicate({ query: 'teal hop:gateway' }, search);
    expect(entries.map(match)).toEqual([true, false, false]);
    expect(decodes).toBe(2);
    expect(entries.map(match)).toEqual([true, false, false]);
    expect(decodes).toBe(2);
  });

  it('says why a payload cannot be decoded, and shows an error RETURN as its code and reason', () => {
    const payloads = new FeedPayloads(model, (x) => base64ToBytes(x.raw));
    expect(payloads.decode(entry(1, { kind: 'error', errcode: 4, calltype: CallType.RETURN }))).toEqual({
      ok: true,
      kind: 'error',
      code: 4,
      codeName: 'RPCERROR_INTERFACE_NOTFOUND',
      reason: 'the server has no servant for this interface or operation',
    });
    expect(payloads.decode({ ...callEntry(1), ifidx: 40 })).toMatchObject({
      ok: false,
      reason: "no interface with ifidx 40 in the project's IDL",
    });
    expect(payloads.decode({ ...callEntry(1), raw: '', rawTruncated: true })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no longer kept/),
    });
    expect(new FeedPayloads(undefined, (x) => base64ToBytes(x.raw)).decode(callEntry(1))).toMatchObject({
      ok: false,
      reason: 'no project is open to decode against',
    });
    expect(payloads.decode(callEntry(1))).toEqual({
      ok: true,
      interface: 'shop.Orders',
      method: 'place',
      kind: 'params',
      value: { items: [{ sku: 'AB-12', qty: 3 }], tags: { Colour: 'Teal' } },
    });
  });

  it('searches a payload the same whether decoded now or read back from an export', () => {
    const payloads = new FeedPayloads(model, (x) => base64ToBytes(x.raw));
    const call = callEntry(1, place, { items: [{ sku: 'AB-12', qty: -0 }], tags: { Colour: 'Teal', Size: 'XL' } });
    const decoded = payloads.decode(call);
    expect(payloads.searchText(call)).toBe(`${headerText(call)}\n${payloadText(decoded)}`);
    expect(payloadText(decoded)).toBe(
      ['items', 'sku', 'ab-12', 'qty', '0', 'tags', 'colour', 'teal', 'size', 'xl'].join('\n'),
    );
    expect(valueText(new Map([[1n, new Uint8Array([7, 8])]]))).toBe(
      payloadText({ ok: true, interface: 'a.B', method: 'm', kind: 'result', value: { '1': [7, 8] } }),
    );
  });

  it('keeps at most MAX_PAYLOAD_TEXT characters of one payload for searching', () => {
    const payloads = new FeedPayloads(model, (x) => base64ToBytes(x.raw));
    const big = callEntry(1, place, {
      items: Array.from({ length: 3000 }, (_, i) => ({ sku: `SKU-${i}`, qty: i })),
      tags: {},
    });
    const text = payloadText(payloads.decode(big));
    expect(text.length).toBe(MAX_PAYLOAD_TEXT);
    expect(text).toContain('sku-0');
    // What free text searches: the header, then that.
    expect(payloads.searchText(big)).toBe(`${headerText(big)}\n${text}`);
  });
});
