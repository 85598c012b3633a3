/** Hostile .evtx bytes written to temporary files and read back whole, for the events tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Warnings } from '../../src/errors.js';
import { readEvtxFile, type EvtxRecord } from '../../src/events/index.js';

/** `tmp` writes bytes to a new file in one temporary folder (named by `prefix`); `read` reads them as `x.evtx`. */
export function evtxFiles(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  const tmp = (data: Uint8Array): string => {
    const p = join(dir, `f${n++}.evtx`);
    writeFileSync(p, data);
    return p;
  };
  const read = (data: Uint8Array): { records: EvtxRecord[]; warnings: Warnings; ms: number } => {
    const records: EvtxRecord[] = [];
    const warnings = new Warnings(false, 'x.evtx');
    const started = Date.now();
    readEvtxFile(tmp(data), (r) => records.push(r), { warnings });
    return { records, warnings, ms: Date.now() - started };
  };
  return { tmp, read };
}

/** Each warning as `CODE@offset`. */
export const codes = (w: Warnings) => w.list.map((x) => `${x.code}@${x.offset}`);
