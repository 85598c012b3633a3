import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/main.js';
import { profilesSpec } from '../../src/commands/profiles/spec.js';
import { captureIo } from '../helpers/io.js';
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
});
