import { base64ToBytes } from '../../shared/wire/base64.js';

/** Bytes as a classic hex dump: offset, 16 bytes in hex, the printable ASCII. */
export function HexDump({ base64, truncated }: { base64: string; truncated?: boolean }) {
  const bytes = base64ToBytes(base64);
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? '   ' : `${b.toString(16).padStart(2, '0')} `;
      if (i === 7) hex += ' ';
      ascii += b === undefined ? '' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(6, '0')}  ${hex} ${ascii}`);
  }
  return (
    <div className="hexdump">
      <pre aria-label="Raw bytes">{lines.join('\n') || '(no bytes)'}</pre>
      {truncated && <p className="muted">The host keeps only the first {bytes.length} bytes of large messages.</p>}
    </div>
  );
}
