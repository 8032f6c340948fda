/** Bytes from a spec-style hex dump: `0000: ef d2 bb 99 …` lines, offsets and spaces ignored. */
export function fromHex(dump: string): Uint8Array {
  const digits = dump
    .split('\n')
    .map((line) => line.replace(/^\s*[0-9a-f]{4}:/i, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`not a hex dump: ${dump}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** `ef d2 bb 99`: bytes as spaced lower-case hex, for readable comparisons. */
export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
