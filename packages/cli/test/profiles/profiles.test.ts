import { describe, expect, it } from '@jest/globals';
import { Hive, MAX_PROFILES_INPUT, MAX_PROFILES_REG_INPUT, MAX_PROFILES_STREAM_INPUT } from '@analyze/core/windows';
import { main } from '../../src/main.js';
import { profilesSpec, PROFILES_STREAM_CAP } from '../../src/commands/profiles/spec.js';
import { captureIo } from '../helpers/io.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusPath } from '../../../core/test/helpers/corpus.js';

// The CLI test project cannot import core's test helpers (tsc rootDir), so the two paths are spelled out here.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const fixturePath = (...parts: string[]) => join(REPO_ROOT, 'fixtures', ...parts);

const SYN = (f: string) => corpusPath('windows', 'hives', 'synthetic', f);
const run = async (...argv: string[]) => {
  const io = captureIo();
  const code = await main(['profiles', ...argv], io, [profilesSpec]);
  return { code, io };
};

describe('analyze profiles (CLI)', () => {
  it('text: lists profiles and prints the findings with their reg fixes; exit 1', async () => {
    const { code, io } = await run(SYN('synthetic_SOFTWARE_ProfileList'));
    expect(code).toBe(1);
    expect(io.stdout).toMatch(/SOFTWARE hive, 7 profiles/);
    expect(io.stdout).toMatch(/PROFILE_BAK_DUPLICATE S-1-5-21-1111111111-2222222222-3333333333-1001/);
    expect(io.stdout).toMatch(/reg export "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList"/);
    expect(io.stdout).toMatch(/State 0x8000 PROFILE_THIS_IS_BAK/);
    expect(io.stderr).toBe('');
  });

  it('--json: {profiles, findings:[{sid, code, message, fix}]}, identical findings from the hive and both .reg encodings', async () => {
    const docs = [];
    for (const f of ['synthetic_SOFTWARE_ProfileList', 'synthetic_ProfileList_utf8.reg', 'synthetic_ProfileList_regexport_utf16le.reg']) {
      const { code, io } = await run(SYN(f), '--json');
      expect(code).toBe(1);
      docs.push(JSON.parse(io.stdout) as { schemaVersion: string; source: string; profiles: { key: string; stateBits: string[] }[]; findings: { sid: string; code: string; message: string; fix: string[] }[] });
    }
    expect(docs.map((d) => d.source)).toEqual(['hive', 'reg', 'reg']);
    for (const d of docs) {
      expect(d.schemaVersion).toBe('1.0');
      expect(d.profiles).toHaveLength(7);
      expect(d.findings.map((f) => Object.keys(f).slice(0, 3))).toEqual([
        ['sid', 'code', 'message'],
        ['sid', 'code', 'message'],
      ]);
      expect(d.findings.map((f) => [f.sid, f.code, f.fix])).toEqual(docs[0]!.findings.map((f) => [f.sid, f.code, f.fix]));
    }
  });

  it('an export cut inside a value before its .bak keys: no "No problem" with exit 0, but the cut said, exit 2', async () => {
    const { readFileSync, writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const text = readFileSync(SYN('synthetic_ProfileList_utf8.reg'), 'utf8');
    const at = text.indexOf('"ProfileImagePath"=hex(2):', text.indexOf('S-1-5-21-1111111111-2222222222-3333333333-1001]')) + 40;
    const dir = mkdtempSync(join(tmpdir(), 'profiles-cut-'));
    try {
      writeFileSync(join(dir, 'cut.reg'), text.slice(0, at));
      const { code, io } = await run(join(dir, 'cut.reg'));
      expect(code).toBe(2);
      expect(io.stdout).toContain('the file was cut short');
      expect(io.stdout).not.toContain('No temporary-profile problem found in ProfileList.');
      expect(io.stderr).toMatch(/REGFILE_TRUNCATED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exit 0 and no finding on Microsoft's ProfileList .reg", async () => {
    const { code, io } = await run(corpusPath('windows', 'hives', 'reg', 'msdocs_kb2704233_Profilelist.reg'));
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/No temporary-profile problem found/);
  });

  it('several files: an array in --json, exit code the worst (2 for an unreadable one)', async () => {
    const { code, io } = await run(fixturePath('windows', 'temp-profile.reg'), corpusPath('windows', 'hives', 'dfwinreg_USER.DAT_win9x_CREG'), '--json');
    expect(code).toBe(2);
    const doc = JSON.parse(io.stdout) as { findings?: unknown[]; error?: { code: string } }[];
    expect(doc).toHaveLength(2);
    expect(doc[0]!.findings).toHaveLength(1);
    expect(doc[1]!.error?.code).toBe('REGF_WIN9X_CREG');
  });

  it('a damaged hive is reported with the file name and exit 2 when nothing is readable', async () => {
    const { code, io } = await run(fixturePath('windows', 'hostile-root-past-end.hive'));
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/hostile-root-past-end\.hive: the root key .* \(at byte \d+\)/);
  });

  it('terminal escape sequences in key names and paths are not printed; a non-SID key gets no commands', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    try {
      const file = join(dir, 'evil.reg');
      const key = 'S-1-5-21-1" & calc & "\u001b[2J.bak';
      writeFileSync(file, `Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\${key}]\r\n"ProfileImagePath"="C:\\\\Users\\\\x\u001b]0;t\u0007"\r\n"State"=dword:00008000\r\n`);
      const { code, io } = await run(file);
      expect(code).toBe(1);
      expect(io.stdout).toContain('PROFILE_BAK_ONLY');
      expect(io.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(io.stdout).not.toMatch(/^ +reg /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that is neither hive nor .reg: exit 2', async () => {
    const { code, io } = await run(fixturePath('windows', '..', 'gen', 'windows', 'temp-profile.mjs'));
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/neither a registry hive/);
  });

  describe('a damaged file exits 2 with its findings still reported', () => {
    const LIST = 'Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
    const hive = () => readFileSync(SYN('synthetic_SOFTWARE_ProfileList'));
    type Doc = { findings: { code: string }[]; warnings: { code: string }[] };
    const runOn = async (name: string, data: Buffer, ...argv: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'profiles-damage-'));
      try {
        writeFileSync(join(dir, name), data);
        return await run(join(dir, name), ...argv);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const findingsOf = async (data: Buffer) => {
      const { code, io } = await runOn('SOFTWARE', data, '--json');
      return { code, doc: JSON.parse(io.stdout) as Doc };
    };
    const whole = async () => (await findingsOf(hive())).doc.findings.map((f) => f.code);

    it('a hive cut short (REGF_TRUNCATED) that still shows both findings: exit 2, the findings in JSON and text', async () => {
      const cut = hive().subarray(0, 12288);
      const { code, doc } = await findingsOf(cut);
      expect(code).toBe(2);
      expect(doc.warnings.map((w) => w.code)).toContain('REGF_TRUNCATED');
      expect(doc.findings.map((f) => f.code)).toEqual(await whole());
      const text = await runOn('SOFTWARE', cut);
      expect(text.code).toBe(2);
      expect(text.io.stdout).toMatch(/PROFILE_BAK_DUPLICATE[\s\S]*The file was cut short \(see the warnings\): these findings are from the part that could be read/);
    });

    it('a .reg export cut 3 bytes short (REGFILE_TRUNCATED) with findings: exit 2', async () => {
      const reg = readFileSync(SYN('synthetic_ProfileList_regexport_utf16le.reg'));
      const { code, io } = await runOn('cut.reg', reg.subarray(0, reg.length - 3), '--json');
      expect(code).toBe(2);
      const doc = JSON.parse(io.stdout) as Doc;
      expect(doc.warnings.map((w) => w.code)).toContain('REGFILE_TRUNCATED');
      expect(doc.findings.length).toBeGreaterThan(0);
    });

    it('a whole hive with one unreadable profile key (REGF_BAD_KEY): exit 2, the other findings kept', async () => {
      const data = hive();
      data.write('xx', Hive.open(hive()).get(`${LIST}\\S-1-5-18`)!.fileOffset + 4, 'latin1'); // the "nk" signature
      const { code, doc } = await findingsOf(data);
      expect(doc.warnings.map((w) => w.code)).toEqual(['REGF_BAD_KEY']);
      expect(code).toBe(2);
      expect(doc.findings.map((f) => f.code)).toEqual(await whole());
      const text = await runOn('SOFTWARE', data);
      expect(text.io.stdout).toContain('The file is damaged (see the warnings)');
    });

    it('no finding in an export with a line that could not be read (REGFILE_BAD_LINE): exit 2, not "no problem"', async () => {
      const kb = readFileSync(corpusPath('windows', 'hives', 'reg', 'msdocs_kb2704233_Profilelist.reg'), 'latin1');
      const damaged = Buffer.from(kb.replace('"State"=dword:00000000', '"State"=dword:0000zz00'), 'latin1');
      const json = await runOn('kb.reg', damaged, '--json');
      const doc = JSON.parse(json.io.stdout) as Doc;
      expect(doc.warnings.map((w) => w.code)).toEqual(['REGFILE_BAD_LINE']);
      expect(doc.findings).toEqual([]);
      expect(json.code).toBe(2);
      const text = await runOn('kb.reg', damaged);
      expect(text.io.stdout).toContain('but the file is damaged (see the warnings)');
      expect(text.io.stdout).not.toContain('No temporary-profile problem found in ProfileList.');
    });

    it('warnings that lose nothing (a dirty hive with a stale checksum) keep exit 1', async () => {
      const data = hive();
      data.writeUInt32LE(data.readUInt32LE(4) + 1, 4); // primary sequence number: no longer equal to the secondary
      const { code, doc } = await findingsOf(data);
      expect(doc.warnings.map((w) => w.code).sort()).toEqual(['REGF_BAD_CHECKSUM', 'REGF_DIRTY']);
      expect(code).toBe(1);
    });
  });

  it('--help gives the three size caps the library applies, standard input\'s own among them', async () => {
    expect(PROFILES_STREAM_CAP).toBe(MAX_PROFILES_STREAM_INPUT);
    const io = captureIo({ env: {} });
    expect(await main(['profiles', '--help'], io, [profilesSpec])).toBe(0);
    const text = io.stdout.replace(/\s+/g, ' ');
    const mib = (n: number) => `${n / (1024 * 1024)} MiB`;
    expect(text).toContain(`Size cap: ${mib(MAX_PROFILES_INPUT)} for a hive, ${mib(MAX_PROFILES_REG_INPUT)} for a .reg export (a hive on standard input: ${mib(MAX_PROFILES_STREAM_INPUT)})`);
    expect(text).not.toContain('alike');
  });
});
