// The pure parts of Attach: the frame observer (what the proxy records, never what it forwards),
// which broker messages belong to a project, and the decoded payload exports carry.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FrameObserver, type ObservedFrame } from '../../electron/capture/frame-observer.js';
import { MqEndpoints } from '../../electron/capture/mq-endpoints.js';
import { exportedPayload, fromNdjson, toNdjson } from '../../shared/console-api/feed-ndjson.js';
import type { FeedEntry } from '../../shared/console-api/types.js';
import { parseConfigYml, parseServicesXml } from '../../shared/project/index.js';
import { ByteWriter } from '../../shared/wire/bytes.js';
import { Compression, encodeFrame, frameBytes } from '../../shared/wire/frame.js';
import { decodeMessage, encodeMessage, rpcMessage } from '../../shared/wire/message.js';
import { shopProject } from '../support/shop-project.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function observer(): { observe(chunk: Uint8Array): void; frames: number[]; unknown: string[]; lost: string[] } {
  const frames: number[] = [];
  const unknown: string[] = [];
  const lost: string[] = [];
  const o = new FrameObserver({
    frame: ({ message }: ObservedFrame) => frames.push(message.sequence),
    unknown: (r) => unknown.push(r),
    lost: (r) => lost.push(r),
  });
  return { observe: (c) => o.observe(c), frames, unknown, lost };
}

describe('FrameObserver', () => {
  it('reports frames split anywhere, zlib frames inflated, and skips other message types with a reason', () => {
    const o = observer();
    const bytes = Buffer.concat([
      encodeFrame(rpcMessage({ sequence: 1 })),
      frameBytes(deflateSync(encodeMessage(rpcMessage({ sequence: 2 }))), Compression.zlib),
      frameBytes(new ByteWriter().u8(9).raw(new Uint8Array(20)).finish()),
      encodeFrame(rpcMessage({ sequence: 3 })),
    ]);
    for (let at = 0; at < bytes.length; at += 3) o.observe(bytes.subarray(at, at + 3));
    expect(o.frames).toEqual([1, 2, 3]);
    expect(o.unknown).toEqual(['a message of type 9 (only 1, RPC, is decoded)']);
    expect(o.lost).toEqual([]);
  });

  it("hands over the header and extra as decodeMessage reads them, and the message's bytes in raw", () => {
    const sent = rpcMessage({ sequence: 7, ifidx: 2, opidx: 1, callId: 3, extra: { __user_id__: '42' } });
    sent.params = new Uint8Array([1, 2, 3]);
    const seen: ObservedFrame[] = [];
    const o = new FrameObserver({
      frame: (f) => seen.push({ ...f, raw: f.raw.slice() }),
      unknown: () => {},
      lost: () => {},
    });
    o.observe(encodeFrame(sent));
    expect(seen).toHaveLength(1);
    const { message, raw } = seen[0]!;
    expect(raw).toEqual(encodeMessage(sent));
    expect({ ...message, params: decodeMessage(raw).params }).toEqual(decodeMessage(raw));
    expect(message.params).toHaveLength(0);
  });

  it('stops observing, once and with the reason, when the bytes stop being frames', () => {
    const o = observer();
    o.observe(encodeFrame(rpcMessage({ sequence: 1 })));
    o.observe(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    o.observe(encodeFrame(rpcMessage({ sequence: 2 })));
    expect(o.frames).toEqual([1]);
    expect(o.lost).toHaveLength(1);
    expect(o.lost[0]).toMatch(/bad frame magic/);
  });
});

describe('MqEndpoints', () => {
  it("names the shop project's queues and topic, and the gateway each reply queue belongs to", () => {
    const project = shopProject('tce-unit-attach', { script: false });
    try {
      const read = (name: string) => ({
        path: join(project.dir, name),
        text: readFileSync(join(project.dir, name), 'utf8'),
      });
      const e = new MqEndpoints(
        parseServicesXml(read('services.xml')).services,
        parseConfigYml(read('config.yml')).config,
      );
      const [backend, replies] = project.queues as [string, string];
      expect(e.published('', backend)).toBe('shop_backend');
      expect(e.published('', 'someone-elses-queue')).toBeUndefined();
      expect(e.published(project.exchanges[0]!, 'any key')).toBe('shop_broadcast');
      expect(e.delivered(replies, '')).toBe('shop_replies');
      expect(e.delivered('amq.gen-private', project.exchanges[0]!)).toBe('shop_broadcast');
      expect(e.gatewayOf('shop_replies')).toBe('shopgw');
      expect(e.gatewayOf('shop_replies_ws')).toBe('shopgw_ws');
      expect(e.gatewayOf('shop_backend')).toBeUndefined();
    } finally {
      project.removeFiles();
    }
  });
});

describe('exported payloads', () => {
  const entry = {
    id: 1,
    time: 1,
    hop: 'proxy',
    direction: 'out',
    endpoint: 'e',
    kind: 'error',
    push: false,
    sequence: 1,
    calltype: 2,
    ifidx: 0,
    opidx: 0,
    errcode: 4,
    callId: 0,
    interface: 'test.Server',
    method: 'echo',
    extra: {},
    size: 21,
    correlation: 'call:1:@x',
    raw: '',
    rawTruncated: false,
  } satisfies FeedEntry;

  it('gives an error RETURN the interface, method and a value like every other kind, and reads back at hop proxy', () => {
    const decoded = { ok: true, kind: 'error', code: 4, codeName: 'RPCERROR_INTERFACE_NOTFOUND', reason: 'r' } as const;
    expect(exportedPayload(entry, decoded)).toEqual({
      ...decoded,
      interface: 'test.Server',
      method: 'echo',
      value: { code: 4, codeName: 'RPCERROR_INTERFACE_NOTFOUND', reason: 'r' },
    });
    const [back] = fromNdjson(toNdjson([entry], () => decoded));
    expect(back).toMatchObject({ hop: 'proxy', decoded: { kind: 'error', value: { code: 4 } } });
  });
});
