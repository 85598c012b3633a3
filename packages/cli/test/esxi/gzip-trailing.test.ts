/**
 * `analyze esxi show` on a whole state.tgz with junk appended (audit esxi finding 8): the backup is shown in
 * full, exit 0, with the ESXI_GZIP_TRAILING_DATA warning on stderr; --strict makes it the error (exit 2) after
 * the report. Before, only "gzip data is damaged (incorrect header check) (at byte N)" was printed, exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { esxiSpec } from '../../src/commands/esxi/spec.js';
import { captureIo } from '../helpers/io.js';

const REPO = new URL('../../../../', import.meta.url).pathname;

interface Lib {
  etc67(o?: object): Record<string, unknown>;
  localTgz(f: Record<string, unknown>): Buffer;
  stateTgz(m: Record<string, Buffer>): Buffer;
}

let dir: string;
let state: Buffer;
let junked: string;
let padded: string;
beforeAll(async () => {
  const lib = (await import(`${REPO}fixtures/gen/esxi/lib.mjs`)) as Lib;
  dir = mkdtempSync(join(tmpdir(), 'analyze-esxi-trailing-'));
  state = lib.stateTgz({ 'local.tgz': lib.localTgz(lib.etc67()) });
  junked = join(dir, 'junk.tgz');
  writeFileSync(junked, Buffer.concat([state, Buffer.from('GARBAGEGARBAGE')]));
  padded = join(dir, 'padded.tgz');
  writeFileSync(padded, Buffer.concat([state, Buffer.alloc(4096)]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (...argv: string[]) => {
  const io = captureIo();
  const code = await main(argv, io, [esxiSpec]);
  return { code, out: io.stdout, err: io.stderr };
};

describe('analyze esxi show: junk after the gzip stream', () => {
  it('shows the whole backup, exit 0, with one warning line giving the offset where the junk starts', async () => {
    const r = await run('esxi', 'show', junked);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ESXi state\.tgz/);
    expect(r.out).toMatch(/host name\s+esx67\.lab\.example/);
    expect(r.out).toMatch(/Files \(15;/);
    expect(r.err).toBe(`analyze: warning: ${junked}: 14 byte(s) after the end of the gzip data are not gzip (appended to the file?): ignored, as gzip does (at byte ${state.length}) [ESXI_GZIP_TRAILING_DATA]\n`);
  });

  it('--json: the report and the warning, no error', async () => {
    const r = await run('esxi', 'show', junked, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { kind: string; files: unknown[]; error?: unknown; warnings: { code: string; offset?: number }[] };
    expect(doc.kind).toBe('state.tgz');
    expect(doc.files).toHaveLength(15);
    expect(doc.error).toBeUndefined();
    expect(doc.warnings).toEqual([expect.objectContaining({ code: 'ESXI_GZIP_TRAILING_DATA', offset: state.length })]);
  });

  it('--strict: the report, then the warning as the error, exit 2', async () => {
    const r = await run('esxi', 'show', junked, '--strict');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/host name\s+esx67\.lab\.example/);
    expect(r.err).toContain(`${junked}: 14 byte(s) after the end of the gzip data are not gzip`);
    expect(r.err).toContain(`(at byte ${state.length})`);
    expect(r.err).not.toContain('warning:');
  });

  it('zero padding after the stream: exit 0, nothing on stderr, even with --strict', async () => {
    for (const extra of [[], ['--strict']]) {
      const r = await run('esxi', 'show', padded, ...extra);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
    }
  });
});
