import type { IdlModel } from '../idl/model.js';
import { OperationNames } from '../idl/operation-names.js';
import { errorCodeName, errorDescription } from '../rpc/errors.js';
import { bytesToHex } from '../wire/base64.js';
import { createCodec, type ModelCodec } from '../wire/codec.js';
import { toJsonValue } from '../wire/json-value.js';
import { decodeMessage } from '../wire/message.js';
import type { DecodedPayload, FeedEntry, JsonValue } from './types.js';

/** Decoded text searched per entry, at most: a huge payload must not make the filter's cache huge. */
export const MAX_PAYLOAD_TEXT = 16 * 1024;

/**
 * Feed entries' payloads decoded against one project model: on demand for the details, and as
 * lower-cased text for the filter's free-text terms — made once per entry and kept as long as the
 * entry lives (a WeakMap: the feed's own bounds are the cache's), at most MAX_PAYLOAD_TEXT each.
 * The host and the renderer each hold one per model; `bytesOf` reads an entry's raw bytes the
 * way the side stores them.
 */
export class FeedPayloads {
  private readonly names: OperationNames | undefined;
  private readonly codec: ModelCodec | undefined;
  private readonly texts = new WeakMap<FeedEntry, string>();

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
    // An error RETURN has no bytes to decode: its code is its meaning (spec §1.5).
    if (entry.kind === 'error') return { ok: true, kind: 'error', code: entry.errcode, codeName: errorCodeName(entry.errcode), reason: errorDescription(entry.errcode) };
    let bytes: Uint8Array;
    try {
      bytes = this.bytesOf(entry);
    } catch (error) {
      return { ok: false, reason: `the raw bytes are unreadable: ${(error as Error).message}`, hex: '' };
    }
    const fail = (reason: string): DecodedPayload => ({ ok: false, reason, hex: bytesToHex(bytes) });
    if (entry.rawTruncated) {
      return fail(bytes.length === 0 ? `the ${entry.size} bytes are no longer kept (the feed keeps the bytes of its newest entries only)` : `only the first ${bytes.length} of ${entry.size} bytes were kept`);
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
      return { ok: true, interface: iface.qname, method: op.name, kind: isCall ? 'params' : 'result', value: toJsonValue(value) };
    } catch (error) {
      return fail(`cannot decode as ${iface.qname}.${op.name}: ${(error as Error).message}`);
    }
  }

  /** The decoded payload as lower-cased searchable text (keys and values; '' when it does not decode). */
  searchText(entry: FeedEntry): string {
    let text = this.texts.get(entry);
    if (text === undefined) {
      text = payloadText(this.decode(entry));
      this.texts.set(entry, text);
    }
    return text;
  }
}

/** What free text finds in a payload: every key and scalar, one per line; an error's code and reason. */
export function payloadText(decoded: DecodedPayload): string {
  if (!decoded.ok) return '';
  if (decoded.kind === 'error') return `${decoded.codeName}\n${decoded.code}\n${decoded.reason}`.toLowerCase();
  const parts: string[] = [];
  let length = 0;
  const walk = (v: JsonValue): void => {
    if (length > MAX_PAYLOAD_TEXT) return;
    if (v === null || typeof v !== 'object') {
      const s = String(v);
      parts.push(s);
      length += s.length + 1;
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else {
      for (const key in v) {
        parts.push(key);
        length += key.length + 1;
        walk(v[key]!);
      }
    }
  };
  walk(decoded.value);
  const text = parts.join('\n').toLowerCase();
  return text.length > MAX_PAYLOAD_TEXT ? text.slice(0, MAX_PAYLOAD_TEXT) : text;
}
