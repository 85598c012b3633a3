/**
 * PEM certificate files (rui.crt, castore.pem): compared per certificate, by SHA-256 fingerprint, and
 * described by subject and validity, instead of as lines of base64 (a renewed rui.crt is one change, not
 * 25 lines). Public material only: private keys are secret files and never reach this module.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { Change, ChangeArea } from './model.js';

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/**
 * Each block from a BEGIN line to the first END after it, as `/BEGIN[\s\S]*?END/g` matched them. Found with
 * indexOf: that regex searched the rest of the text again from every BEGIN without an END (quadratic: 1 MB of
 * them took seconds); once one has no END after it, no later one has.
 */
function* pemBlocks(text: string): Generator<string> {
  for (let from = 0; ; ) {
    const begin = text.indexOf(PEM_BEGIN, from);
    if (begin < 0) return;
    const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
    if (end < 0) return;
    from = end + PEM_END.length;
    yield text.slice(begin, from);
  }
}
/** castore.pem files hold a handful of CAs; a file with more is compared by line like any other. */
const MAX_CERTS = 256;

interface Cert {
  fingerprint: string;
  text: string;
}

export function hasPemCertificate(text: string): boolean {
  return text.includes(PEM_BEGIN);
}

/** The certificates of a PEM file by fingerprint, or undefined when there are too many (the caller compares lines). */
function certificates(text: string): Map<string, Cert> | undefined {
  const out = new Map<string, Cert>();
  for (const block of pemBlocks(text)) {
    if (out.size >= MAX_CERTS) return undefined;
    try {
      const c = new X509Certificate(block);
      const subject = c.subject.replace(/\n/g, ', ');
      out.set(c.fingerprint256, { fingerprint: c.fingerprint256, text: `${subject} (valid ${isoDay(c.validFrom)} to ${isoDay(c.validTo)}, SHA-256 ${c.fingerprint256.slice(0, 23)}…)` });
    } catch {
      // a damaged block still compares by its bytes
      const digest = createHash('sha256').update(block.replace(/\s+/g, '')).digest('hex');
      out.set(digest, { fingerprint: digest, text: `a block that is not a valid certificate (sha256 of its text ${digest.slice(0, 12)})` });
    }
  }
  return out;
}

function isoDay(openssl: string): string {
  const d = new Date(openssl);
  return Number.isNaN(d.getTime()) ? openssl : d.toISOString().slice(0, 10);
}

export function diffCertificates(path: string, area: ChangeArea, before: string, after: string): Change[] | undefined {
  const a = certificates(before);
  const b = certificates(after);
  if (!a || !b || a.size + b.size === 0) return undefined;
  const out: Change[] = [];
  for (const [fp, c] of a) if (!b.has(fp)) out.push({ area, path, key: fp, change: 'removed', label: `${path}: certificate removed: ${c.text}`, before: c.text });
  for (const [fp, c] of b) if (!a.has(fp)) out.push({ area, path, key: fp, change: 'added', label: `${path}: certificate added: ${c.text}`, after: c.text });
  return out;
}
