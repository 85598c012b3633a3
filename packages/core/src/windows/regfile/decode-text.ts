/**
 * Turn the bytes of a .reg file into text. `reg export` and regedit write UTF-16LE with a BOM;
 * hand-written and web-published files are UTF-8 (with or without BOM); REGEDIT4 files are ANSI.
 */
export type RegTextEncoding = 'utf-16le' | 'utf-16be' | 'utf-8' | 'latin1';

export interface RegText {
  text: string;
  encoding: RegTextEncoding;
  bom: boolean;
}

/** Decode by BOM, else by the NUL pattern of UTF-16 ASCII text, else UTF-8, falling back to Latin-1 (ANSI).
 * @example const { text, encoding } = decodeRegText(readFileSync('export.reg')); // BOM-aware
 */
export function decodeRegText(data: Uint8Array): RegText {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2, buf.length - (buf.length % 2)).toString('utf16le'), encoding: 'utf-16le', bom: true };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { text: swap16(buf.subarray(2)).toString('utf16le'), encoding: 'utf-16be', bom: true };
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8', bom: true };
  // No BOM: "Wi" of the header in UTF-16LE is 57 00 69 00.
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) return { text: buf.subarray(0, buf.length - (buf.length % 2)).toString('utf16le'), encoding: 'utf-16le', bom: false };
  if (buf.length >= 4 && buf[0] === 0 && buf[1] !== 0 && buf[2] === 0 && buf[3] !== 0) return { text: swap16(buf).toString('utf16le'), encoding: 'utf-16be', bom: false };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8', bom: false };
  } catch {
    return { text: buf.toString('latin1'), encoding: 'latin1', bom: false };
  }
}

function swap16(b: Buffer): Buffer {
  const out = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
  out.swap16();
  return out;
}
