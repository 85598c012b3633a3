/**
 * The test fleet: three "machines" of corpus dumps with six causes, a dump with no crash, an unreadable
 * dump and a file that is not a dump; laid out as a folder, and the same tree as a zip and a tgz.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { c as tarCreate } from 'tar';
import { corpusPath, fixturePath } from '../../helpers/corpus.js';

export const TREE: Record<string, string> = {
  'PC1/Minidump/020121-1.dmp': 'mdmp/breakpad_ascii_write_av.dmp', // C0000005 crashme.exe
  'PC1/Minidump/020121-2.dmp': 'mdmp/breakpad_null_read_av.dmp', // C0000005 crashme.exe (same cause)
  'PC1/Minidump/020121-3.dmp': 'mdmp/breakpad_minidump2.dmp', // C0000005 test_app.exe
  'PC2/Minidump/070618-1.dmp': 'kernel/kdlibcpp_win10_arm64_mem.dmp', // bugcheck E2 kbdhid.sys
  'PC2/Minidump/071618-1.dmp': 'kernel/kdlibcpp_RPi3_ARM_mini.dmp', // no bugcheck recorded
  'PC2/app.dmp': 'mdmp/kdlibcpp_target_minidump.dmp', // 80000003 targetapp.exe
  'PC3/analysis-133.txt': 'analyze-texts/msdocs_partial_kernel_133_1.txt', // 133 BthA2DP.sys
  'PC3/analysis-c4.txt': 'analyze-texts/msdocs2016_kernel_c4_ddi_compliance_reassembled.txt', // C4 MyDriver (third-party)
  'PC3/analysis-116.txt': 'analyze-texts/msdocs_partial_kernel_116.txt', // 116, no driver named
  'PC3/broken.dmp': 'mdmp/rust-minidump_invalid-range.dmp', // unreadable
};
/** Not a dump: skipped and counted. */
export const NOTE = 'PC3/notes.txt';

export interface Fleet {
  folder: string;
  zip: string;
  tgz: string;
}

/** Build the folder, zip and tgz in a new temporary folder. */
export async function makeFleet(): Promise<Fleet> {
  const root = mkdtempSync(join(tmpdir(), 'analyze-fleet-'));
  const folder = join(root, 'fleet');
  for (const [to, from] of Object.entries(TREE)) {
    mkdirSync(dirname(join(folder, to)), { recursive: true });
    copyFileSync(corpusPath('dumps', from), join(folder, to));
  }
  writeFileSync(join(folder, NOTE), 'Crash dumps collected on Monday.\n');
  const { makeZip } = (await import(fixturePath('gen', 'dump', 'zip.mjs'))) as { makeZip(m: Array<{ name: string; data: Buffer }>): Buffer };
  const names = [...Object.keys(TREE), NOTE].sort();
  const zip = join(root, 'fleet.zip');
  writeFileSync(zip, makeZip(names.map((name) => ({ name, data: readFileSync(join(folder, name)) }))));
  const tgz = join(root, 'fleet.tgz');
  await tarCreate({ gzip: true, file: tgz, cwd: folder, portable: true }, names);
  return { folder, zip, tgz };
}

/** The hostile archives fixtures/gen/dump/fleet-attacks.mjs made. */
export const attack = (name: string) => fixturePath('dump', 'fleet', name);
