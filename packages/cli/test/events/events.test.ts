import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../src/main.js';
import { eventsSpec } from '../../src/commands/events/spec.js';
import { captureIo } from '../helpers/io.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The core corpus helper (it knows where corpus files live, and may decompress them), loaded by path:
// it sits outside this package's TypeScript project.
const helper = fileURLToPath(new URL('../../../core/test/helpers/corpus.ts', import.meta.url));
const { corpusPath, fixturePath, REPO_ROOT } = (await import(helper)) as {
  corpusPath: (...parts: string[]) => string;
  fixturePath: (...parts: string[]) => string;
  REPO_ROOT: string;
};

async function runEvents(argv: string[], stdin?: Buffer) {
  const io = captureIo({ cwd: REPO_ROOT, ...(stdin ? { stdin } : {}) });
  const exit = await main(['events', ...argv], io, [eventsSpec]);
  return { exit, out: io.stdout, err: io.stderr };
}

const BELKASOFT = corpusPath('evtx', 'AndrewRathbun__BelkasoftCTF_InsiderThreat_System.evtx');
const SYSTEM = corpusPath('evtx', 'omerbenamram__system.evtx');

describe('analyze events', () => {
  it('a real System log: unexpected restarts and service failures, exit 1', async () => {
    const r = await runEvents([BELKASOFT]);
    expect(r.exit).toBe(1);
    expect(r.out).toContain('1766 records');
    expect(r.out).toContain('WIN-AN5B2T7E4GI');
    expect(r.out).toMatch(/ERROR\s+Unexpected restarts: 8 records/);
    expect(r.out).toMatch(/Service Spooler: 1 failure \(SCM 7023\)/);
    expect(r.out).toContain('next     analyze code 0x8007000E');
    expect(r.err).toBe('');
  });

  it('generated fixtures: the blue screen with the dump command and the minutes before it; newest finding first', async () => {
    const r = await runEvents([fixturePath('events', 'system-crash-storage-update.evtx')]);
    expect(r.exit).toBe(1);
    const sections = r.out.split('\n\n');
    expect(sections[1]).toMatch(/^ERROR\s+Windows Update could not check for updates: 0x8024402C/);
    const first = sections.find((s) => s.startsWith('CRITICAL'))!;
    expect(first).toMatch(/^CRITICAL Blue screen 0x0000009F DRIVER_POWER_STATE_FAILURE: 1 time/);
    expect(first).toContain('next     analyze dump C:\\Windows\\MEMORY.DMP');
    // Written at the next boot: the list looks back from the crash time of that boot's 6008, and says so.
    expect(first).toContain('before the crash at 2026-11-30 22:02:31 UTC (the crash time of EventLog 6008):');
    expect(first).toMatch(/disk 7\s+\\Device\\Harddisk0\\DR0/);
    expect(first).not.toMatch(/volmgr 161|Kernel-Power 41/);
    // Kernel-Power 41 comes before its boot's 6008: it looks back from the last record before its boot.
    const restarts = sections.find((s) => s.startsWith('ERROR    Unexpected restarts'))!;
    expect(restarts).toContain('before the machine went down (the last record before the boot it was logged at: 2026-11-30 22:00:05 UTC):');
  });

  it('--json: the findings document with schemaVersion (docs/json-events.md)', async () => {
    const r = await runEvents([SYSTEM, '--json']);
    expect(r.exit).toBe(1);
    const doc = JSON.parse(r.out) as Record<string, any>;
    expect(doc['schemaVersion']).toBe('1.0');
    expect(doc['files'][0]).toMatchObject({ records: 1881, dirty: true, error: null });
    const wu = doc['findings'].find((f: any) => f.kind === 'update-failure' && f.details.errorCode === '0x80248007');
    expect(wu).toMatchObject({ severity: 'error', count: 4, next: 'analyze code 0x80248007' });
    expect(wu.occurrences[0].ref).toMatchObject({ file: SYSTEM, eventId: 20, provider: 'Microsoft-Windows-WindowsUpdateClient' });
    expect(doc['summary']).toMatchObject({ files: 1, records: 1881 });
  });

  it('--records: one JSON object per record, in file order, like evtx_dump', async () => {
    const r = await runEvents([SYSTEM, '--records']);
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.length).toBe(1881);
    expect(Object.keys(lines[0]!)).toEqual(['recordId', 'eventId', 'qualifiers', 'level', 'time', 'provider', 'channel', 'computer', 'data']);
    for (const l of lines) expect(l['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const wu = lines.find((l) => l['eventId'] === 20 && l['provider'] === 'Microsoft-Windows-WindowsUpdateClient')!;
    expect(wu['data']['errorCode']).toBe('0x80248007');
    const classic = lines.find((l) => l['provider'] === 'EventLog' && l['eventId'] === 6013)!;
    expect(classic['qualifiers']).toBe(32768);
    expect(Object.keys(classic['data'])[0]).toBe('#1');
  });

  it('a folder: every .evtx in it', async () => {
    const r = await runEvents([fixturePath('events'), '--json']);
    const doc = JSON.parse(r.out) as Record<string, any>;
    expect(doc['files'].map((f: any) => f.file.replace(/.*[\\/]/, ''))).toEqual(['application-temp-profile.evtx', 'system-crash-storage-update.evtx', 'value-types.evtx']);
    expect(doc['findings'].map((f: any) => f.kind)).toEqual(expect.arrayContaining(['bugcheck', 'temporary-profile', 'update-failure', 'storage', 'service-failure']));
    // named as the user named the folder, not as a resolved absolute path
    const relative = JSON.parse((await runEvents(['fixtures/events', '--json'])).out) as Record<string, any>;
    expect(relative['files'][0].file).toBe(join('fixtures', 'events', 'application-temp-profile.evtx'));
  });

  it('- reads stdin', async () => {
    const r = await runEvents(['-', '--json'], readFileSync(SYSTEM));
    const doc = JSON.parse(r.out) as Record<string, any>;
    expect(doc['files'][0]).toMatchObject({ file: '-', records: 1881 });
    expect(r.exit).toBe(1);
  });

  it('an empty log: nothing to report, exit 0', async () => {
    const r = await runEvents([corpusPath('evtx', 'fukusuket__Microsoft-Windows-Kernel-WHEA%4Errors.evtx')]);
    expect(r.exit).toBe(0);
    expect(r.out).toContain('No crashes, temporary profiles, update, service or storage failures');
  });

  it('not an event log: one line naming the file and the byte offset, exit 2; the other files still reported', async () => {
    const r = await runEvents([corpusPath('evtx', 'README.md'), SYSTEM]);
    expect(r.exit).toBe(2);
    expect(r.err).toMatch(/README\.md: not a Windows event log \(\.evtx\): no ElfFile signature \(at byte 0\)/);
    expect(r.out).toContain('1881 records');
    // no log read at all: nothing on stdout claims "no crashes"
    const none = await runEvents([corpusPath('evtx', 'README.md')]);
    expect([none.exit, none.out]).toEqual([2, '']);
    expect(none.err).toMatch(/README\.md: not a Windows event log/);
  });

  it('a damaged log: the first damage that lost records is the error (file and offset, exit 2), the rest are warnings; --strict makes the first warning the error', async () => {
    const damaged = corpusPath('evtx', 'omerbenamram__sample_with_a_bad_chunk_magic.evtx');
    const r = await runEvents([damaged]);
    expect(r.exit).toBe(2);
    expect(r.out).toMatch(/: 298 records, .*3 damaged record\(s\), 2 chunk\(s\) skipped/);
    expect(r.err).toMatch(/warning: .*has no ElfChnk signature; skipped \(at byte 397312\) \[EVTX_CHUNK_SIGNATURE\]/);
    const errors = r.err.split('\n').filter((l) => l && !l.includes('warning:'));
    expect(errors).toEqual([`analyze: ${damaged}: bad event record header (signature or size); rest of the chunk skipped (at byte 12224)`]);
    const strict = await runEvents([damaged, '--strict']);
    expect(strict.exit).toBe(2);
    expect(strict.err).toMatch(/chunk records CRC32 mismatch.*\(at byte 4096\)/);
  });

  it('a truncated log (header announces 96 chunks, the file holds 2 and a part): its findings and records reported, one error line with the offset, exit 2', async () => {
    const cut = corpusPath('evtx', 'log2timeline__System2.evtx');
    const r = await runEvents([cut]);
    expect(r.exit).toBe(2);
    expect(r.out).toMatch(/: 194 records, 20\d\d-/);
    expect(r.out).toContain('No crashes, temporary profiles, update, service or storage failures in what could be read of these logs.');
    expect(r.err).toBe(`analyze: ${cut}: file ends 64832 bytes into a 64 KiB chunk (truncated log: header announces 96 chunks, 2 whole ones present); that partial chunk is not read (at byte 135168)\n`);
    const json = await runEvents([cut, '--json']);
    expect(json.exit).toBe(2);
    expect((JSON.parse(json.out) as { files: Array<Record<string, unknown>> }).files[0]).toMatchObject({ records: 194, error: { code: 'EVTX_TRUNCATED', offset: 135168 } });
  });

  it('one application crash (Application Error 1000 + two WER 1001 of one report) is said once, naming its other records', async () => {
    const r = await runEvents([corpusPath('evtx', 'sans-blue-team__many-events-application.evtx')]);
    expect(r.out).toMatch(/WARNING\s+rundll32\.exe crashed 1 time in KERNELBASE\.dll/);
    expect(r.out).toMatch(/- record 1590 .*reportId efc65f51-657f-11e6-8eb4-000c290d8d3a, sameCrashRecords 1591, 1592/);
  });

  it('multi-line details (1530 lists a process a line) stay on their indented line, cut with "…" before colouring: no colour left open', async () => {
    const r = await runEvents([corpusPath('evtx', 'sans-blue-team__many-events-application.evtx'), '--color']);
    const block = r.out.split('\n\n').find((s) => s.includes('User Profile Service 1530'))!;
    const lines = block.split('\n');
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {9}/); // no continuation line at column 0
    const records = lines.filter((l) => l.includes('- record '));
    expect(records).toHaveLength(5);
    for (const line of records) {
      const opened = (line.match(/\u001b\[[12]m/g) ?? []).length;
      const closed = (line.match(/\u001b\[22m/g) ?? []).length;
      expect([opened, closed]).toEqual([1, 1]);
      expect(line.endsWith('\u001b[22m')).toBe(true);
    }
    // Record 1351's detail (11 handles, a line each) is longer than a line: cut, and the cut is marked.
    const long = records.find((l) => l.includes('- record 1351'))!;
    expect(long).toMatch(/-1000: Process 296 \(.*…\u001b\[22m$/);
    expect(long.replace(/\u001b\[\d+m/g, '').trimStart()).toHaveLength(400);
  });

  it('a log cut inside its first chunk: nothing was read, so nothing on stdout; the error names the file and offset (exit 2)', async () => {
    const r = await runEvents(['-'], readFileSync(SYSTEM).subarray(0, 4196));
    expect([r.exit, r.out]).toEqual([2, '']);
    expect(r.err).toBe('analyze: -: file ends 100 bytes into a 64 KiB chunk (truncated log: header announces 3 chunks, 0 whole ones present); that partial chunk is not read (at byte 4096)\n');
  });

  it('a log without records: its line says "0 records" once', async () => {
    const r = await runEvents(['-'], readFileSync(corpusPath('evtx', 'fukusuket__Microsoft-Windows-Kernel-WHEA%4Errors.evtx')));
    expect(r.out).toMatch(/^-: 0 records$/m);
  });

  it('the built bin streams a log from a pipe (`cat System.evtx | analyze events --records -`)', () => {
    const bin = fileURLToPath(new URL('../../bundle/bin.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'events', '--records', '-'], { input: readFileSync(SYSTEM), encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1); // findings exist (WindowsUpdateClient 20...)
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(1881);
    expect(JSON.parse(lines[0]!)).toMatchObject({ recordId: 1, provider: expect.any(String), time: expect.stringMatching(/Z$/) });
  });

  it('a folder of 25 broken logs: the first 20 named on stderr, the other 5 counted in one line (100,000 printed 100,000 lines)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-events-broken-'));
    try {
      for (let i = 0; i < 25; i++) writeFileSync(join(dir, `log${String(i).padStart(2, '0')}.evtx`), '');
      for (const json of [false, true]) {
        const r = await runEvents([...(json ? ['--json'] : []), dir]);
        expect(r.exit).toBe(2);
        const lines = r.err.trimEnd().split('\n');
        expect(lines).toHaveLength(21);
        expect(lines[0]).toMatch(/^analyze: .*log00\.evtx: file ends after 0 bytes/);
        expect(lines[19]).toMatch(/log19\.evtx: /);
        expect(lines[20]).toBe('analyze: 5 more files could not be read (each is listed in the report)');
        if (json) expect((JSON.parse(r.out) as { files: unknown[] }).files).toHaveLength(25);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
