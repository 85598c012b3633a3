/**
 * `--keystore`: read from standard input with `-` (every input of the CLI reads `-` as stdin; before, it was
 * resolved as a file `./-` and the error named a path nobody typed), and an envelope that fails to decrypt says
 * why on its report line (before: "NOT decrypted: unknown reason", the reason one line further down).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';
import { corpusPath } from '../../../core/test/helpers/corpus.js';

const REAL = (name: string) => corpusPath('esxi', 'dissect-hypervisor-envelope', name);
/** A well-formed keystore of another host: its key does not open the real sample. */
const OTHER_KEYSTORE = 'mode = "NONE"\nConfigEncData = "keyId=AAAAAAAAAAAAAAAAAAAAAA%3d%3d:data1=AAAAAAAAAAAAAAAAAAAAAA%3d%3d:data2=AAAAAAAAAAAAAAAAAAAAAA%3d%3d:version=1"\n';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-keystore-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], stdin?: Buffer) {
  const io = captureIo({ cwd: dir, ...(stdin === undefined ? {} : { stdin }) });
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
}

/** The real sample's local.tgz.ve copied alone into the scratch folder (no encryption.info beside it). */
function aloneVe(name: string, edit: (ve: Buffer) => Buffer = (ve) => ve): string {
  const p = join(dir, name);
  writeFileSync(p, edit(Buffer.from(readFileSync(REAL('local.tgz.ve')))));
  return p;
}

describe('esxi --keystore - reads standard input', () => {
  it('show, check and extract decrypt a bare .ve with the keystore piped in', async () => {
    const keystore = readFileSync(REAL('encryption.info'));
    const ve = aloneVe('alone.ve');
    const shown = await run(['esxi', 'show', ve, '--keystore', '-'], keystore);
    expect([shown.code, shown.err]).toEqual([0, '']);
    expect(shown.out).toMatch(/keystore mode NONE: decrypted offline/);
    expect((await run(['--json', 'esxi', 'check', ve, '--keystore', '-'], keystore)).out).toContain('"decrypted": true');
    const extracted = await run(['esxi', 'extract', ve, '--to', join(dir, 'extracted'), '--keystore', '-'], keystore);
    expect(extracted.code).toBe(0);
    expect(readFileSync(join(dir, 'extracted', 'etc', 'vmware', 'esx.conf'), 'utf8')).toContain('/adv/Misc/HostName');
  });

  it('restore-plan with the keystore piped in names no file "-" in its commands', async () => {
    const r = await run(['esxi', 'restore-plan', aloneVe('plan.ve'), '--keystore', '-'], readFileSync(REAL('encryption.info')));
    expect(r.code).toBe(0);
    const wrap = r.out.split('\n').find((l) => l.includes('state-tgz-members/encryption.info'))!;
    expect(wrap).toContain(`cp '${join(dir, 'encryption.info')}' `);
    expect(wrap).not.toMatch(/cp '?-'? /);
  });

  it('the backup (or --target) cannot be - as well: a usage error naming both, no made-up path', async () => {
    const ve = aloneVe('both.ve');
    for (const argv of [
      ['esxi', 'show', '-', '--keystore', '-'],
      ['esxi', 'diff', ve, '-', '--keystore', '-'],
      ['esxi', 'check', ve, '--target', '-', '--keystore', '-'],
      ['esxi', 'extract', '-', '--to', join(dir, 'out'), '--keystore', '-'],
    ]) {
      const r = await run(argv, readFileSync(REAL('local.tgz.ve')));
      expect([argv.join(' '), r.code]).toEqual([argv.join(' '), 2]);
      expect(r.err).toContain('--keystore - reads standard input');
      expect(r.err).not.toContain(`${dir}/-`);
    }
  });
});

describe('an envelope that does not decrypt says why on its report line', () => {
  it.each([
    ['key of another host', () => aloneVe('mismatch.ve'), Buffer.from(OTHER_KEYSTORE), /NOT decrypted: the key derived from encryption\.info does not match this envelope/],
    ['tampered ciphertext', () => aloneVe('tampered.ve', (ve) => ((ve[5000]! ^= 1), ve)), readFileSync(REAL('encryption.info')), /NOT decrypted: authenticated decryption failed/],
    ['truncated copy', () => aloneVe('cut.ve', (ve) => ve.subarray(0, 50_000)), readFileSync(REAL('encryption.info')), /NOT decrypted: .*truncated/],
  ])('%s: text and JSON', async (_name, make, keystore, reason) => {
    const ve = make();
    writeFileSync(join(dir, 'keystore.info'), keystore);
    const text = await run(['esxi', 'show', ve, '--keystore', 'keystore.info']);
    expect(text.code).toBe(2);
    expect(text.out).toMatch(reason);
    expect(text.out).not.toContain('unknown reason');
    const json = JSON.parse((await run(['--json', 'esxi', 'show', ve, '--keystore', 'keystore.info'])).out) as { encryption: { reason?: string } };
    expect(`NOT decrypted: ${json.encryption.reason}`).toMatch(reason);
  });
});
