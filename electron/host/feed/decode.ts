import type { DecodedPayload, FeedEntry } from '../../../shared/console-api/types.js';
import type { ModelCodec } from '../../../shared/wire/codec.js';
import { toJsonValue } from '../../../shared/wire/json-value.js';
import { decodeMessage } from '../../../shared/wire/message.js';
import { errorCodeName, errorDescription } from '../../../shared/rpc/errors.js';
import { rawBytes } from './entry.js';
import type { OperationNames } from './names.js';

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

/**
 * Decodes an entry's parameters (CALL) or result (RETURN) against the model, on demand.
 * Never throws: whatever cannot be decoded comes back as the reason and the bytes in hex.
 */
export function decodeEntry(entry: FeedEntry, names: OperationNames | undefined, codec: ModelCodec | undefined): DecodedPayload {
  const bytes = rawBytes(entry);
  const fail = (reason: string): DecodedPayload => ({ ok: false, reason, hex: hexOf(bytes) });
  if (entry.rawTruncated) {
    return fail(bytes.length === 0 ? `the ${entry.size} bytes are no longer kept (the feed keeps the bytes of its newest entries only)` : `only the first ${bytes.length} of ${entry.size} bytes were kept`);
  }
  if (entry.kind === 'error') return fail(`an error RETURN carries no payload: ${errorCodeName(entry.errcode)} (${entry.errcode}), ${errorDescription(entry.errcode)}`);
  if (!names || !codec) return fail('no project is open to decode against');
  const found = names.lookup(entry.ifidx, entry.opidx);
  if (!found) return fail(`no interface with ifidx ${entry.ifidx} in the project's IDL`);
  const { iface, op } = found;
  if (!op) return fail(`${iface.qname} has no operation with opidx ${entry.opidx}`);
  try {
    const message = decodeMessage(bytes);
    const isCall = entry.kind === 'call' || entry.kind === 'oneway';
    const value = isCall ? codec.decodeParams(op, message.params) : codec.decodeResult(op, message.params);
    return { ok: true, interface: iface.qname, method: op.name, kind: isCall ? 'params' : 'result', value: toJsonValue(value) };
  } catch (error) {
    return fail(`cannot decode as ${iface.qname}.${op.name}: ${(error as Error).message}`);
  }
}
