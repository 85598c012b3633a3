/**
 * ESXi 7.0 U2+ encrypted configuration: `local.tgz.ve` (a "DataTransformEnvelope", version 2) and the
 * `encryption.info` keystore beside it. Layout and key derivation: docs/formats/esxi.md §2
 * (verified on the real 7.0.2 sample; same algorithm as fox-it/dissect.hypervisor util/envelope.py).
 *
 * With keystore `mode = NONE` the key is derivable from encryption.info alone (VMware's own salt string
 * says "This is obfuscation, not encryption"); with `mode = TPM` it is sealed in the host's TPM.
 */
import { createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import { AnalyzeError } from '../../errors.js';

export const ENVELOPE_MAGIC = 'DataTransformEnvelope';
const AEAD_FOOTER_MAGIC = 'DataTransformAeadFooter';
const CRYPTO_FOOTER_MAGIC = 'DataTransformCryptoFooter';
/** Header, AEAD footer and crypto footer are each one 4 KiB block. */
const BLOCK = 4096;
/** The header's size/version words sit at the end of its first 512 bytes. */
const HEADER_SIZE_OFFSET = 504;
const HEADER_VERSION_OFFSET = 508;
const ATTRIBUTES_OFFSET = 512;
const SUPPORTED_VERSION = 2;
/** Appended to data1 to form the PBKDF2 password (VMware's constant, quoted in dissect.hypervisor). */
const OBFUSCATION_PEPPER = 'This is obfuscation, not encryption. If you want encryption, use TPM.';
const PBKDF2_ITERATIONS = 100_000;
/** Additional authenticated data after the header block. */
const AAD_SUFFIX = 'ESXConfiguration';
const GCM_TAG_MAX = 16;

/**
 * The magic of an encrypted local.tgz.ve envelope.
 * @example isEnvelope(readFileSync('local.tgz.ve')) // true
 */
export function isEnvelope(data: Uint8Array): boolean {
  return data.length >= ENVELOPE_MAGIC.length && Buffer.from(data.subarray(0, ENVELOPE_MAGIC.length)).toString('latin1') === ENVELOPE_MAGIC;
}

/** encryption.info: vmx-style `key = "value"` lines. */
export interface EncryptionInfo {
  mode: string | undefined;
  /** ConfigEncData fields (keyId, data1, data2, version), URL-decoded but still base64. */
  configEncData: Record<string, string>;
  /** Key UUID derived from keyId. */
  keyId: string | undefined;
  entries: Record<string, string>;
}

/**
 * encryption.info: the keystore mode (NONE, TPM) and ConfigEncData.
 * @example parseEncryptionInfo('mode = "NONE"\n').mode // 'NONE'
 */
export function parseEncryptionInfo(text: string): EncryptionInfo {
  const entries: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^=\s]+)\s*=\s*"(.*)"\s*$/.exec(line);
    if (m) entries[m[1]!] = m[2]!;
  }
  const configEncData: Record<string, string> = {};
  for (const part of (entries['ConfigEncData'] ?? '').split(':')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let value = part.slice(eq + 1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep it raw; base64 decoding below will then fail with a clear message
    }
    configEncData[part.slice(0, eq)] = value;
  }
  const keyBytes = configEncData['keyId'] === undefined ? undefined : Buffer.from(configEncData['keyId'], 'base64');
  return { mode: entries['mode'], configEncData, keyId: keyBytes?.length === 16 ? formatUuid(keyBytes) : undefined, entries };
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface EnvelopeHeader {
  version: number;
  /** Attribute name → value (Buffer for byte values, string for strings, bigint for integers). */
  attributes: Map<string, Buffer | string | bigint>;
  iv: Buffer | undefined;
  keyInfo: string | undefined;
  cipherName: string | undefined;
  keyHash: Buffer | undefined;
}

/** Parse the 4 KiB header block; every length is checked against what is left. */
export function parseEnvelopeHeader(data: Uint8Array, file?: string): EnvelopeHeader {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (!isEnvelope(buf)) throw new AnalyzeError('ESXI_ENVELOPE_MAGIC', `not a DataTransformEnvelope (no "${ENVELOPE_MAGIC}" magic)`, { file, offset: 0 });
  if (buf.length < 2 * BLOCK) {
    throw new AnalyzeError('ESXI_ENVELOPE_TRUNCATED', `encrypted envelope is ${buf.length} bytes, shorter than its header and footer blocks (${2 * BLOCK})`, { file, offset: buf.length });
  }
  const size = buf.readUInt32LE(HEADER_SIZE_OFFSET);
  const version = buf.readUInt32LE(HEADER_VERSION_OFFSET);
  if (version !== SUPPORTED_VERSION) {
    throw new AnalyzeError('ESXI_ENVELOPE_VERSION', `envelope version ${version} is not supported (only ${SUPPORTED_VERSION})`, { file, offset: HEADER_VERSION_OFFSET });
  }
  if (size + ATTRIBUTES_OFFSET > BLOCK) {
    throw new AnalyzeError('ESXI_ENVELOPE_HEADER', `envelope header claims ${size + ATTRIBUTES_OFFSET} bytes, more than its ${BLOCK}-byte block`, { file, offset: HEADER_SIZE_OFFSET });
  }
  const end = ATTRIBUTES_OFFSET + size;
  const attributes = new Map<string, Buffer | string | bigint>();
  let p = ATTRIBUTES_OFFSET;
  const bad = (what: string): never => {
    throw new AnalyzeError('ESXI_ENVELOPE_HEADER', `damaged envelope header: ${what}`, { file, offset: p });
  };
  while (p < end) {
    const type = buf[p]!;
    if (type === 0) break;
    if (p + 4 > end) bad('attribute header runs past the header block');
    const nameEnd = buf.indexOf(0, p + 4);
    if (nameEnd < 0 || nameEnd >= end) bad('attribute name is not terminated');
    const name = buf.toString('latin1', p + 4, nameEnd);
    let q = nameEnd + 1;
    if (type === 0x0b) {
      const strEnd = buf.indexOf(0, q);
      if (strEnd < 0 || strEnd >= end) bad(`string attribute ${name} is not terminated`);
      attributes.set(name, buf.toString('utf8', q, strEnd));
      q = strEnd + 1;
    } else if (type === 0x0c) {
      if (q + 8 > end) bad(`length of ${name} runs past the header block`);
      const len = buf.readBigUInt64LE(q);
      q += 8;
      if (len > BigInt(end - q)) bad(`${name} claims ${len} bytes, only ${end - q} left`);
      attributes.set(name, Buffer.from(buf.subarray(q, q + Number(len))));
      q += Number(len);
    } else if (type >= 0x01 && type <= 0x0a) {
      // integer/float attributes: 1, 2, 4 or 8 bytes (unused by ESXi so far); read as little-endian unsigned
      const width = [1, 1, 2, 2, 4, 4, 8, 8, 4, 8][type - 1]!;
      if (q + width > end) bad(`value of ${name} runs past the header block`);
      let v = 0n;
      for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[q + i]!);
      attributes.set(name, v);
      q += width;
    } else {
      bad(`unknown attribute type 0x${type.toString(16)}`);
    }
    p = q;
  }
  const bytes = (k: string) => {
    const v = attributes.get(k);
    return Buffer.isBuffer(v) ? v : undefined;
  };
  const str = (k: string) => {
    const v = attributes.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  return { version, attributes, iv: bytes('vmware.iv'), keyInfo: str('vmware.keyInfo'), cipherName: str('vmware.cipherName'), keyHash: bytes('vmware.keyHash') };
}

/** PBKDF2 key of a `mode = NONE` keystore. */
export function deriveKey(info: EncryptionInfo, file?: string): Buffer {
  const d1 = info.configEncData['data1'];
  const d2 = info.configEncData['data2'];
  if (d1 === undefined || d2 === undefined) {
    throw new AnalyzeError('ESXI_KEYSTORE_INVALID', 'encryption.info has no ConfigEncData data1/data2 fields', { file });
  }
  const password = Buffer.concat([Buffer.from(d1, 'base64'), Buffer.from(OBFUSCATION_PEPPER, 'latin1')]);
  return pbkdf2Sync(password, Buffer.from(d2, 'base64'), PBKDF2_ITERATIONS, 32, 'sha256');
}

/**
 * Decrypt a `local.tgz.ve` with a `mode = NONE` keystore. Returns the payload (normally a local.tgz gzip stream).
 * Throws ESXI_ENVELOPE_* / ESXI_KEYSTORE_* / ESXI_DECRYPT_FAILED with the byte offset of the damage.
 * @example const plain = decryptEnvelope(readFileSync('state.tgz'), encryptionInfo, 'state.tgz');
 */
export function decryptEnvelope(data: Uint8Array, info: EncryptionInfo, file?: string): Buffer {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const header = parseEnvelopeHeader(buf, file);
  if (header.cipherName !== undefined && header.cipherName !== 'AES-256-GCM') {
    throw new AnalyzeError('ESXI_ENVELOPE_CIPHER', `cipher ${header.cipherName} is not supported (only AES-256-GCM)`, { file, offset: ATTRIBUTES_OFFSET });
  }
  if (!header.iv || header.iv.length === 0) throw new AnalyzeError('ESXI_ENVELOPE_HEADER', 'envelope header has no vmware.iv', { file, offset: ATTRIBUTES_OFFSET });
  if (buf.length % BLOCK !== 0) {
    throw new AnalyzeError('ESXI_ENVELOPE_TRUNCATED', `encrypted envelope is ${buf.length} bytes, not a whole number of ${BLOCK}-byte blocks (truncated copy?)`, { file, offset: buf.length - (buf.length % BLOCK) });
  }
  const footerAt = buf.length - BLOCK;
  if (buf.toString('latin1', footerAt, footerAt + AEAD_FOOTER_MAGIC.length) !== AEAD_FOOTER_MAGIC) {
    throw new AnalyzeError('ESXI_ENVELOPE_TRUNCATED', `no "${AEAD_FOOTER_MAGIC}" block at the end (truncated copy?)`, { file, offset: footerAt });
  }
  const tagSize = buf.readUInt32LE(buf.length - 8);
  if (tagSize === 0 || tagSize > GCM_TAG_MAX) {
    throw new AnalyzeError('ESXI_ENVELOPE_FOOTER', `AEAD footer gives a ${tagSize}-byte tag (expected 1..${GCM_TAG_MAX})`, { file, offset: buf.length - 8 });
  }
  const tag = buf.subarray(footerAt + 32, footerAt + 32 + tagSize);
  const key = deriveKey(info, file);
  if (header.keyHash) {
    const check = createHash('sha256').update('AES-256-GCM').update(key).digest();
    if (!check.equals(header.keyHash)) {
      throw new AnalyzeError('ESXI_KEY_MISMATCH', 'the key derived from encryption.info does not match this envelope (encryption.info from another host or another backup?)', { file, offset: ATTRIBUTES_OFFSET });
    }
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, header.iv, { authTagLength: tagSize });
    decipher.setAAD(Buffer.concat([buf.subarray(0, BLOCK), Buffer.from(AAD_SUFFIX, 'latin1')]));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(buf.subarray(BLOCK, footerAt)), decipher.final()]);
  } catch (e) {
    throw new AnalyzeError('ESXI_DECRYPT_FAILED', `authenticated decryption failed: the encrypted data is damaged or was altered (${(e as Error).message})`, { file, offset: BLOCK, cause: e });
  }
  // plaintext = payload ‖ zero padding ‖ 4 KiB crypto footer (its last 512 bytes: magic … u32 padding, u32 version)
  if (plain.length < BLOCK) throw new AnalyzeError('ESXI_ENVELOPE_FOOTER', 'decrypted data is shorter than its crypto footer', { file, offset: BLOCK });
  const cf = plain.length - 512;
  if (plain.toString('latin1', cf, cf + CRYPTO_FOOTER_MAGIC.length) !== CRYPTO_FOOTER_MAGIC) {
    throw new AnalyzeError('ESXI_ENVELOPE_FOOTER', `decrypted data has no "${CRYPTO_FOOTER_MAGIC}"`, { file, offset: BLOCK + cf });
  }
  const padding = plain.readUInt32LE(plain.length - 8);
  const payloadEnd = plain.length - BLOCK - padding;
  if (payloadEnd < 0) throw new AnalyzeError('ESXI_ENVELOPE_FOOTER', `crypto footer claims ${padding} bytes of padding, more than the data`, { file, offset: BLOCK + plain.length - 8 });
  return plain.subarray(0, payloadEnd);
}
