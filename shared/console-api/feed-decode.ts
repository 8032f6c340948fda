import type { IdlModel } from '../idl/model.js';
import { OperationNames } from '../idl/operation-names.js';
import { errorCodeName, errorDescription } from '../rpc/errors.js';
import { bytesToHex } from '../wire/base64.js';
import { createCodec, type ModelCodec } from '../wire/codec.js';
import { toJsonValue } from '../wire/json-value.js';
import { decodeMessage } from '../wire/message.js';
import { headerText } from './feed-filter.js';
import type { DecodedPayload, FeedEntry } from './types.js';
import { messageOf } from '../message-of.js';

/** Decoded text searched per entry, at most: a huge payload must not make the filter's cache huge. */
export const MAX_PAYLOAD_TEXT = 16 * 1024;

/**
 * Feed entries' payloads decoded against one project model: on demand for the details, and as
 * lower-cased text for the filter's free-text terms — made once per entry and kept on the entry
 * as long as it lives (under a symbol of this decoder's: invisible to JSON and structured clone,
 * and no WeakMap for the garbage collector to go through; the feed's own bounds are the
 * cache's), at most MAX_PAYLOAD_TEXT each. The host and the renderer each hold one per model;
 * `bytesOf` reads an entry's raw bytes the way the side stores them.
 */
export class FeedPayloads {
  private readonly names: OperationNames | undefined;
  private readonly codec: ModelCodec | undefined;
  private readonly text = Symbol('decoded payload text');

  constructor(
    readonly model: IdlModel | undefined,
    private readonly bytesOf: (entry: FeedEntry) => Uint8Array,
    parts: { names?: OperationNames; codec?: ModelCodec } = {},
  ) {
    this.names = model && (parts.names ?? new OperationNames(model));
    this.codec = model && (parts.codec ?? createCodec(model));
  }

  /** Never throws: whatever cannot be decoded comes back as the reason and the bytes in hex. */
  decode(entry: FeedEntry): DecodedPayload {
    const d = this.decodeNative(entry);
    return 'native' in d
      ? { ok: true, interface: d.interface, method: d.method, kind: d.kind, value: toJsonValue(d.native) }
      : d;
  }

  /**
   * What free text searches in an entry, lower-cased: its header fields and extra, then its decoded
   * payload (keys and values; nothing when it does not decode) — one string, so a term costs one
   * search per entry.
   */
  searchText(entry: FeedEntry): string {
    const cached = entry as FeedEntry & Record<symbol, string | undefined>;
    let text = cached[this.text];
    if (text === undefined) {
      const d = this.decodeNative(entry);
      text = cached[this.text] = `${headerText(entry)}\n${'native' in d ? valueText(d.native) : payloadText(d)}`;
    }
    return text;
  }

  /** The payload as the codec gives it (no JSON form: searching needs none). */
  private decodeNative(
    entry: FeedEntry,
  ): DecodedPayload | { interface: string; method: string; kind: 'params' | 'result'; native: unknown } {
    // An error RETURN has no bytes to decode: its code is its meaning (spec §1.5).
    if (entry.kind === 'error')
      return {
        ok: true,
        kind: 'error',
        code: entry.errcode,
        codeName: errorCodeName(entry.errcode),
        reason: errorDescription(entry.errcode),
      };
    let bytes: Uint8Array;
    try {
      bytes = this.bytesOf(entry);
    } catch (error) {
      return { ok: false, reason: `the raw bytes are unreadable: ${messageOf(error)}`, hex: '' };
    }
    const fail = (reason: string): DecodedPayload => ({ ok: false, reason, hex: bytesToHex(bytes) });
    if (entry.rawTruncated) {
      return fail(
        bytes.length === 0
          ? `the ${entry.size} bytes are no longer kept (the feed keeps the bytes of its newest entries only)`
          : `only the first ${bytes.length} of ${entry.size} bytes were kept`,
      );
    }
    if (!this.names || !this.codec) return fail('no project is open to decode against');
    const found = this.names.lookup(entry.ifidx, entry.opidx);
    if (!found) return fail(`no interface with ifidx ${entry.ifidx} in the project's IDL`);
    const { iface, op } = found;
    if (!op) return fail(`${iface.qname} has no operation with opidx ${entry.opidx}`);
    try {
      const message = decodeMessage(bytes);
      const isCall = entry.kind === 'call' || entry.kind === 'oneway';
      const value = isCall ? this.codec.decodeParams(op, message.params) : this.codec.decodeResult(op, message.params);
      return { interface: iface.qname, method: op.name, kind: isCall ? 'params' : 'result', native: value };
    } catch (error) {
      return fail(`cannot decode as ${iface.qname}.${op.name}: ${messageOf(error)}`);
    }
  }
}

/** What free text finds in a payload: every key and scalar, one per line; an error's code and reason. */
export function payloadText(decoded: DecodedPayload): string {
  if (!decoded.ok) return '';
  if (decoded.kind === 'error') return `${decoded.codeName}\n${decoded.code}\n${decoded.reason}`.toLowerCase();
  return valueText(decoded.value);
}

/**
 * A value's keys and scalars, one per line, lower-cased, at most MAX_PAYLOAD_TEXT characters.
 * Takes the codec's values (Map, bigint, Uint8Array) and their JSON forms alike, and gives both
 * the same text, so a capture's stored payloads search like live ones.
 */
export function valueText(value: unknown): string {
  const parts: string[] = [];
  let length = 0;
  const add = (s: string): void => {
    parts.push(s);
    length += s.length + 1;
  };
  const walk = (v: unknown): void => {
    if (length > MAX_PAYLOAD_TEXT) return;
    if (v === null || v === undefined) add('null');
    else if (typeof v === 'number') add(Object.is(v, -0) ? '-0' : String(v));
    else if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') add(String(v));
    else if (typeof v !== 'object')
      return; // functions and symbols are not decoded values
    else if (v instanceof Uint8Array || Array.isArray(v)) for (const item of v) walk(item);
    else if (v instanceof Map) {
      for (const [key, item] of v) {
        if (typeof key === 'object') walk(key);
        else add(String(key));
        walk(item);
      }
    } else {
      for (const key in v) {
        add(key);
        walk((v as Record<string, unknown>)[key]);
      }
    }
  };
  walk(value);
  const text = parts.join('\n').toLowerCase();
  return text.length > MAX_PAYLOAD_TEXT ? text.slice(0, MAX_PAYLOAD_TEXT) : text;
}
