// PEM certificate files compare per certificate (fingerprint), described by subject and validity.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { diffCertificates } from '../../../src/esxi/diff/certs.js';
import { corpusPath } from '../../helpers/corpus.js';

const ssl = (name: string) => readFileSync(corpusPath('esxi', 'dissect-hypervisor-envelope', 'x', 'etc', 'vmware', 'ssl', name), 'utf8');

describe('diffCertificates (real 7.0.2 rui.crt and castore.pem)', () => {
  it('a replaced certificate is one removal and one addition, by subject, not lines of base64', () => {
    const changes = diffCertificates('etc/vmware/ssl/rui.crt', 'security', ssl('rui.crt'), ssl('castore.pem'))!;
    expect(changes.map((c) => c.change)).toEqual(['removed', 'added']);
    expect(changes[0]!.label).toMatch(/^etc\/vmware\/ssl\/rui\.crt: certificate removed: .*CN=localhost\.localdomain.* \(valid 2020-11-16 to 2032-05-17, SHA-256 [0-9A-F:]{23}…\)$/);
    expect(changes[1]!.label).toMatch(/certificate added: O=VMware Installer \(valid /);
  });

  it('the same certificates in another order or layout: no change', () => {
    const both = `${ssl('rui.crt')}${ssl('castore.pem')}`;
    const swapped = `${ssl('castore.pem').trimEnd()}\n\n${ssl('rui.crt')}`;
    expect(diffCertificates('etc/vmware/ssl/castore.pem', 'security', both, swapped)).toEqual([]);
  });

  it('a damaged block compares by its text instead of throwing', () => {
    const damaged = ssl('rui.crt').replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n');
    const changes = diffCertificates('etc/vmware/ssl/rui.crt', 'security', ssl('rui.crt'), damaged)!;
    expect(changes.map((c) => [c.change, /not a valid certificate/.test(c.label)])).toEqual([
      ['removed', false],
      ['added', true],
    ]);
  });
});

describe('diffCertificates on crafted text', () => {
  it('reads blocks as the old lazy regex did: from a BEGIN to the first END after it', () => {
    const cas = ssl('castore.pem');
    const nested = `-----BEGIN CERTIFICATE-----\nx\n${cas}`; // a stray BEGIN before the first block
    const changes = diffCertificates('castore.pem', 'security', cas, nested)!;
    expect(changes.map((c) => c.change)).toEqual(['removed', 'added']);
    expect(changes[1]!.label).toMatch(/not a valid certificate/);
  });

  it('1 MB of BEGIN lines without an END is read in linear time (the regex searched on from each: seconds)', () => {
    const junk = `${'ND CERTIFICATE-----BEGIN CERTIFICATE-----'.repeat(25_000)}ND CERTIFICATE-----`;
    const t = Date.now();
    expect(diffCertificates('castore.pem', 'security', junk, junk)).toBeUndefined(); // no block: compared by line
    expect(Date.now() - t).toBeLessThan(1_000);
  });
});
