/** Registry value types (winnt.h REG_*). Other numbers occur in real hives and are kept as raw bytes. */
export const REG_NONE = 0;
export const REG_SZ = 1;
export const REG_EXPAND_SZ = 2;
export const REG_BINARY = 3;
export const REG_DWORD = 4;
export const REG_DWORD_BIG_ENDIAN = 5;
export const REG_LINK = 6;
export const REG_MULTI_SZ = 7;
export const REG_RESOURCE_LIST = 8;
export const REG_FULL_RESOURCE_DESCRIPTOR = 9;
export const REG_RESOURCE_REQUIREMENTS_LIST = 10;
export const REG_QWORD = 11;

const NAMES: Record<number, string> = {
  0: 'REG_NONE',
  1: 'REG_SZ',
  2: 'REG_EXPAND_SZ',
  3: 'REG_BINARY',
  4: 'REG_DWORD',
  5: 'REG_DWORD_BIG_ENDIAN',
  6: 'REG_LINK',
  7: 'REG_MULTI_SZ',
  8: 'REG_RESOURCE_LIST',
  9: 'REG_FULL_RESOURCE_DESCRIPTOR',
  10: 'REG_RESOURCE_REQUIREMENTS_LIST',
  11: 'REG_QWORD',
};

/**
 * The REG_* name of a registry value type, or its number in hex when unknown.
 * @example valueTypeName(7) // 'REG_MULTI_SZ'; valueTypeName(0x20) // '0x20'
 */
export function valueTypeName(type: number): string {
  return NAMES[type] ?? `0x${type.toString(16)}`;
}

/** A decoded value: text for string types, numbers for DWORDs, bigint for QWORD, raw bytes otherwise. */
export type DecodedValue = string | string[] | number | bigint | Buffer;

/** UTF-16LE text up to the first NUL (an odd trailing byte is dropped: some writers leave one).
 * @example utf16z(Buffer.from('hi\0', 'utf16le')); // 'hi'
 */
export function utf16z(data: Buffer): string {
  const even = data.subarray(0, data.length - (data.length % 2));
  const text = even.toString('utf16le');
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** REG_MULTI_SZ: NUL-separated UTF-16LE strings ending in an empty one.
 * @example utf16multi(Buffer.from('a\0b\0\0', 'utf16le')); // ['a', 'b']
 */
export function utf16multi(data: Buffer): string[] {
  const even = data.subarray(0, data.length - (data.length % 2));
  const parts = even.toString('utf16le').split('\0');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Decode raw value bytes by type. Numbers shorter than their type are returned as raw bytes, since a
 * truncated number has no value; longer ones use their first bytes, as Windows does.
 * @example const decoded = decodeValue(1, Buffer.from('C:\\Users\\alice\0', 'utf16le'));
 */
export function decodeValue(type: number, data: Buffer): DecodedValue {
  switch (type) {
    case REG_SZ:
    case REG_EXPAND_SZ:
    case REG_LINK:
      return utf16z(data);
    case REG_MULTI_SZ:
      return utf16multi(data);
    case REG_DWORD:
      return data.length >= 4 ? data.readUInt32LE(0) : data;
    case REG_DWORD_BIG_ENDIAN:
      return data.length >= 4 ? data.readUInt32BE(0) : data;
    case REG_QWORD:
      return data.length >= 8 ? data.readBigUInt64LE(0) : data;
    default:
      return data;
  }
}
