import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';
import { corpusPath } from '../../../core/test/helpers/corpus.js';

const REPO = new URL('../../../../', import.meta.url).pathname;
const pair = (name: string, side: 'before' | 'after') => `${REPO}fixtures/esxi/pairs/${name}/${side}.tgz`;
const run = async (argv: string[]) => {
  const io = captureIo();
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
};

/** Secret material planted by the fixture generators (fixtures/gen/esxi/lib.mjs, pairs.mjs). */
function plantedSecrets(): string[] {
  const lib = readFileSync(`${REPO}fixtures/gen/esxi/lib.mjs`, 'utf8') + readFileSync(`${REPO}fixtures/gen/esxi/pairs.mjs`, 'utf8');
  const hashes = [...lib.matchAll(/'(\$[156]\$[^']+)'/g)].map((m) => m[1]!);
  const key = /FAKE_KEY_BODY = '([^']+)'/.exec(lib)?.[1];
  const licence = /<epoc>([^<]+)<\/epoc>/.exec(lib)?.[1];
  const out = [...hashes, key!, licence!];
  // the salts alone and a long middle slice of each hash must not leak either
  for (const h of hashes) out.push(h.split('$')[3]!.slice(5, 30));
  return out;
}

/** BEFORE and AFTER backups made from the fixture generator's 6.7 /etc with `etc67` overrides, in a temporary folder. */
async function withPair(before: object, after: object, fn: (before: string, after: string) => Promise<void>): Promise<void> {
  const lib = (await import(`${REPO}fixtures/gen/esxi/lib.mjs`)) as {
    etc67(o: object): Record<string, unknown>;
    localTgz(f: Record<string, unknown>): Buffer;
    stateTgz(m: Record<string, Buffer>): Buffer;
  };
  const dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-leak-'));
  try {
    const side = (name: string, over: object) => {
      const p = join(dir, name);
      writeFileSync(p, lib.stateTgz({ 'local.tgz': lib.localTgz(lib.etc67(over)) }));
      return p;
    };
    await fn(side('before.tgz', before), side('after.tgz', after));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `esxi diff` in text, --all, --json and --json --all. */
async function everyMode(before: string, after: string) {
  const out = [];
  for (const mode of [[], ['--all'], ['--json'], ['--json', '--all']]) {
    const argv = mode.includes('--json') ? ['--json', 'esxi', 'diff', ...mode.filter((m) => m !== '--json')] : ['esxi', 'diff', ...mode];
    out.push(await run([...argv, before, after]));
  }
  return out;
}

describe('analyze esxi diff', () => {
  it('prints the one change of the vSwitch pair, grouped under Network, exit 0', async () => {
    const r = await run(['esxi', 'diff', pair('vswitch-uplink', 'before'), pair('vswitch-uplink', 'after')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Network\n  + vSwitch0: uplink vmnic2 added\n');
    expect(r.out).toMatch(/\n1 change; /);
  });

  it('exits 1 with the passthrough finding and its fix on the boot-HBA pair', async () => {
    const r = await run(['esxi', 'diff', pair('boot-hba-passthru', 'before'), pair('boot-hba-passthru', 'after')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('~ device 000:31.2 (vmhba0): owner vmkernel → passthru');
    expect(r.out).toContain('error   ESXI_PASSTHRU_BOOT_HBA');
    expect(r.out).toContain('/device/000:31.2/owner = "vmkernel"');
  });

  it('JSON: changes[] {area, path, key, change, before, after} and findings[] {severity, code, message, fix}', async () => {
    const r = await run(['--json', 'esxi', 'diff', pair('advanced-setting', 'before'), pair('advanced-setting', 'after')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { changes: unknown[]; findings: Array<Record<string, unknown>>; schemaVersion: unknown };
    expect(doc.schemaVersion).toBeDefined();
    expect(doc.changes).toEqual([{ area: 'advanced', path: 'etc/vmware/esx.conf', key: '/adv/Disk/DiskMaxIOSize', change: 'added', after: '4096', label: 'advanced setting /Disk/DiskMaxIOSize: set to "4096" (image default before)' }]);
    for (const f of doc.findings) expect(Object.keys(f).sort()).toEqual(expect.arrayContaining(['code', 'fix', 'message', 'severity']));
  });

  it('summarises noise in one line; --all lists it', async () => {
    const r = await run(['esxi', 'diff', pair('noise-only', 'before'), pair('noise-only', 'after')]);
    expect(r.out).toContain('No configuration changes.');
    expect(r.out).toMatch(/Noise: 3 changes in etc\/dhclient-vmk0.leases, etc\/random-seed, etc\/vmware\/.backup.counter/);
    const all = await run(['esxi', 'diff', '--all', pair('noise-only', 'before'), pair('noise-only', 'after')]);
    expect(all.out).toContain('~ etc/random-seed: rewritten by the host (noise)');
  });

  it('a TPM-encrypted side: "Not compared", no per-file lines, the TPM finding, exit 1', async () => {
    const r = await run(['esxi', 'diff', `${REPO}fixtures/esxi/state-7.0.tgz`, `${REPO}fixtures/esxi/state-7.0.3-tpm.tgz`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Not compared: AFTER is encrypted and could not be decrypted');
    expect(r.out).not.toContain('image default');
    expect(r.out).toContain('ESXI_TPM_ENCRYPTED');
  });

  it('an unreadable side is exit 2 naming the file', async () => {
    const r = await run(['esxi', 'diff', pair('noise-only', 'before'), `${REPO}fixtures/esxi/garbage.bin`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('garbage.bin');
  });
});

describe('secret leak: no hash or key material from the fixtures in any output mode', () => {
  const secrets = plantedSecrets();
  const pairs = ['root-password', 'vswitch-uplink', 'boot-hba-passthru', 'configstore-vswitch', 'noise-only'];
  const modes: string[][] = [[], ['--all'], ['--json'], ['--json', '--all']];

  it('the planted secrets were found in the generators (the test can fail)', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(secrets.some((s) => s.startsWith('$6$'))).toBe(true);
  });

  for (const name of pairs) {
    for (const mode of modes) {
      it(`diff ${name} ${mode.join(' ') || '(text)'}`, async () => {
        const argv = mode.includes('--json') ? ['--json', 'esxi', 'diff', ...mode.filter((m) => m !== '--json')] : ['esxi', 'diff', ...mode];
        const r = await run([...argv, pair(name, 'before'), pair(name, 'after')]);
        for (const s of secrets) {
          expect(r.out).not.toContain(s);
          expect(r.err).not.toContain(s);
        }
      });
    }
  }

  it('diff across hosts (every secret file differs) leaks nothing, text and JSON', async () => {
    for (const json of [[], ['--json']]) {
      const r = await run([...json, 'esxi', 'diff', '--all', `${REPO}fixtures/esxi/local-6.7.tgz`, `${REPO}fixtures/esxi/configBundle-esx70.tgz`]);
      for (const s of secrets) expect(r.out).not.toContain(s);
    }
  });

  it('check and restore-plan leak nothing either', async () => {
    for (const argv of [['esxi', 'check'], ['--json', 'esxi', 'check'], ['esxi', 'restore-plan'], ['--json', 'esxi', 'restore-plan']]) {
      const r = await run([...argv, pair('root-password', 'after')]);
      for (const s of secrets) expect(r.out).not.toContain(s);
    }
  });

  it('esx.conf kickstart rootpw (and other short password names) never print their value, text and JSON', async () => {
    await withPair({ esxconf: { '/system/kickstart/rootpw': 'KsRootOld1', '/adv/UserVars/BmcPwd': 'BmcOld2' } }, { esxconf: { '/system/kickstart/rootpw': 'KsRootNew1', '/adv/UserVars/BmcPwd': 'BmcNew2', '/system/kickstart/adminpw': 'KsAdminAdded3' } }, async (before, after) => {
      const values = ['KsRootOld1', 'KsRootNew1', 'BmcOld2', 'BmcNew2', 'KsAdminAdded3'];
      for (const r of await everyMode(before, after)) {
        expect(r.out).toMatch(/rootpw/);
        for (const v of values) expect(r.out + r.err).not.toContain(v);
      }
      // the values are really in the backups: --show-secrets prints them
      const shown = await run(['esxi', 'diff', '--show-secrets', before, after]);
      for (const v of values) expect(shown.out).toContain(v);
    });
  });

  it('names read from a backup cannot break or colour the text report: line breaks and escapes are shown as \\xNN (show and diff)', async () => {
    const hostile = { 'etc/new\nline.conf': 'x\n', 'etc/\u001b[31mRED\u001b[0m.conf': 'x\n' };
    await withPair({}, { extra: hostile }, async (before, after) => {
      for (const r of [await run(['esxi', 'diff', before, after]), await run(['esxi', 'show', after])]) {
        expect(r.out).toContain('etc/new\\x0aline.conf');
        expect(r.out).toContain('etc/\\x1b[31mRED\\x1b[0m.conf');
        expect(r.out).not.toContain('\u001b');
        expect(r.out.split('\n').some((l) => l.startsWith('line.conf'))).toBe(false);
      }
    });
  });

  it('a password hash kept in etc/passwd field 2: its change is reported, its value never, text and JSON', async () => {
    const hashOld = '$6$pwdFieldSalt$HashInEtcPasswdMustNeverBePrinted0123456789abcdefABCDEF';
    const hashNew = '$6$pwdFieldNew1$OtherHashInEtcPasswdMustNeverBePrintedEither987654321';
    const passwd = (h: string) => `root:${h}:0:0:Administrator:/:/bin/sh\nadmin:x:1000:1000:Local admin:/:/bin/sh\n`;
    await withPair({ extra: { 'etc/passwd': passwd(hashOld) } }, { extra: { 'etc/passwd': passwd(hashNew) } }, async (before, after) => {
      for (const r of await everyMode(before, after)) {
        expect(r.out).toContain('root: password changed in etc/passwd');
        for (const v of [hashOld, hashNew, 'pwdFieldSalt', 'pwdFieldNew1', 'HashInEtcPasswd']) expect(r.out + r.err).not.toContain(v);
      }
      const shown = await run(['--json', 'esxi', 'diff', '--show-secrets', before, after]);
      expect(JSON.parse(shown.out).changes).toContainEqual(expect.objectContaining({ path: 'etc/passwd', key: 'root', before: hashOld, after: hashNew, secret: true }));
    });
  });

  it('--show-secrets opts in: the new root hash is printed, in JSON and in text', async () => {
    const newHash = secrets.find((s) => s.startsWith('$6$newSalt9$'))!;
    for (const json of [['--json'], []]) {
      const r = await run([...json, 'esxi', 'diff', '--show-secrets', pair('root-password', 'before'), pair('root-password', 'after')]);
      expect(r.out).toContain(newHash);
    }
  });

  it('real 7.0.2 sample against another host: its root hash, salt, private keys and licence never appear', async () => {
    const real = `${corpusPath('esxi', 'dissect-hypervisor-envelope')}/`;
    const shadow = readFileSync(`${real}x/etc/shadow`, 'utf8');
    const rootHash = /^root:([^:]+):/m.exec(shadow)![1]!;
    const keyLines = ['x/etc/ssh/ssh_host_rsa_key', 'x/etc/ssh/ssh_host_ecdsa_key', 'x/etc/vmware/ssl/rui.key'].map((f) => {
      // a body line near the end: private exponent / CRT values (the first lines hold the public modulus, also in the .pub and .crt)
      const lines = readFileSync(`${real}${f}`, 'utf8').trimEnd().split('\n');
      return lines[lines.length - 3]!;
    });
    const epoc = /<epoc>([^<]+)<\/epoc>/.exec(readFileSync(`${real}x/etc/vmware/license.cfg`, 'utf8'))![1]!;
    const realSecrets = [rootHash, rootHash.split('$')[2]!, rootHash.split('$')[3]!.slice(0, 20), ...keyLines, epoc];
    expect(keyLines.every((l) => l.length > 40)).toBe(true);
    for (const mode of [[], ['--json']]) {
      for (const [b, a] of [[`${real}local.tgz.ve`, `${REPO}fixtures/esxi/state-7.0.tgz`], [`${REPO}fixtures/esxi/state-7.0.tgz`, `${real}local.tgz.ve`]]) {
        const r = await run([...mode, 'esxi', 'diff', '--all', b!, a!]);
        expect(r.code).not.toBe(2);
        for (const s of realSecrets) expect(r.out + r.err).not.toContain(s);
      }
    }
  });
});
