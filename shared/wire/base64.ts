/** Base64 and hex for byte arrays, without Node's Buffer or the DOM's atob (shared/ runs in both). */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (padding optional); throws RangeError on a character outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0) throw new RangeError(`not base64: ${JSON.stringify(text[i])} at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return o === out.length ? out : out.subarray(0, o);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b]!;
  return s;
}

/** Hex digits (upper or lower case, even count) to bytes; throws RangeError naming the first bad place. */
export function hexToBytes(text: string): Uint8Array {
  if (text.length % 2 !== 0) throw new RangeError(`hex needs an even number of digits, got ${text.length}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const pair = text.slice(2 * i, 2 * i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) throw new RangeError(`not hex: ${JSON.stringify(pair)} at ${2 * i}`);
    out[i] = parseInt(pair, 16);
  }
  return out;
}

/**
 * A `sequence<byte>` written as text in JSON: `0x` and hex digits, else standard base64. Strict:
 * a typo is an error, never a different byte string.
 */
export function bytesOfText(text: string): Uint8Array {
  if (/^0[xX]/.test(text)) return hexToBytes(text.slice(2));
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || (text.length % 4 !== 0 && text.includes('=')))
    throw new RangeError('expected base64 (A-Z a-z 0-9 + /, = padding) or 0x and hex digits');
  return base64ToBytes(text);
}
