/**
 * Differential test: every record of every evtx corpus file against the ground truth made with libevtx's
 * evtxexport and python-evtx (fixtures/corpus/evtx/README.md). Tolerated differences are only those the
 * README documents as reference or rendering artefacts:
 * - line ends: the truth went through an XML parser, which turns CR LF into LF (XML 1.0 §2.11);
 * - a whitespace-only string value: libevtx prints an empty element (python-evtx keeps the text, as we do);
 * - libevtx's negative-Int32 bug and python-evtx's string-array bug are already corrected in the truth.
 * Records we find beyond the references are allowed only in damaged chunks we warned about (we resume at
 * the next record signature after a damaged record; libevtx drops the rest of the chunk).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { corpusPath } from '../helpers/corpus.js';
import { readEvtxFile, type EvtxRecord } from '../../src/events/index.js';
import { Warnings } from '../../src/errors.js';

interface TruthRecord {
  rid: number;
  /** Record-header number, only where it differs from rid (exported logs renumber headers). */
  hdr?: number;
  eid?: number;
  q?: number;
  lvl?: number;
  t?: string;
  prov?: string;
  src?: string;
  chan?: string;
  comp?: string;
  ud?: string;
  data?: Record<string, string>;
}
interface Truth {
  /** The ground-truth helper's own struct reading of the file and chunk headers (signatures, flags, CRC32s). */
  header: { flags: number; header_crc_ok: boolean; chunks_bad_magic_nonzero: number[]; chunks_bad_header_crc: number[]; chunks_bad_data_crc: number[] };
  record_count: number;
  records_complete: boolean;
  records: TruthRecord[];
  admin_records?: TruthRecord[];
  counts: Record<string, number>;
  third_reference?: { records: TruthRecord[] };
}
interface ManifestFile {
  name: string;
  damaged: boolean;
  ground_truth: string;
}

const manifest = JSON.parse(readFileSync(corpusPath('evtx', 'MANIFEST.json'), 'utf8')) as { files: ManifestFile[] };

const lineEnds = (s: string) => s.replace(/\r\n?/g, '\n');

/** Our value matches the truth's, within the documented rendering tolerances. */
function sameValue(ours: string | undefined, truth: string | undefined): boolean {
  if (ours === undefined || truth === undefined) return ours === truth;
  if (lineEnds(ours) === lineEnds(truth)) return true;
  return truth === '' && /^\s+$/.test(ours);
}

/** The truth's TimeCreated (9 digits, last two 0) in our 7-digit form. */
const time7 = (t: string | undefined) => (t === undefined ? null : t.replace(/(\.\d{7})00Z$/, '$1Z'));

function differences(r: EvtxRecord, t: TruthRecord): string[] {
  const out: string[] = [];
  const eq = (field: string, ours: unknown, truth: unknown) => {
    if ((ours ?? null) !== (truth ?? null)) out.push(`${field}: ours ${JSON.stringify(ours)}, truth ${JSON.stringify(truth)}`);
  };
  eq('headerNumber', r.headerNumber, t.hdr ?? t.rid);
  eq('eventId', r.eventId, t.eid);
  eq('qualifiers', r.qualifiers, t.q);
  eq('level', r.level, t.lvl);
  eq('time', r.time, time7(t.t));
  eq('provider', r.provider, t.prov);
  eq('eventSourceName', r.eventSourceName, t.src);
  eq('channel', r.channel, t.chan);
  eq('computer', r.computer, t.comp);
  eq('userData', r.userData, t.ud);
  const td = t.data ?? {};
  for (const k of new Set([...Object.keys(td), ...Object.keys(r.data)])) {
    if (!sameValue(r.data[k], td[k])) out.push(`data.${k}: ours ${JSON.stringify(r.data[k])}, truth ${JSON.stringify(td[k])}`);
  }
  return out;
}

describe('EVTX reader against libevtx + python-evtx ground truth', () => {
  it('the manifest lists the 18 corpus logs', () => {
    expect(manifest.files.length).toBe(18);
  });

  for (const file of manifest.files) {
    it(file.name, () => {
      const truth = JSON.parse(readFileSync(corpusPath('evtx', file.ground_truth), 'utf8')) as Truth;
      const records: EvtxRecord[] = [];
      const warnings = new Warnings(false, file.name);
      readEvtxFile(corpusPath('evtx', file.name), (r) => records.push(r), { warnings });

      const truthRecords = truth.third_reference ? truth.third_reference.records : [...truth.records, ...(truth.admin_records ?? [])];
      const byId = new Map(records.map((r) => [r.recordId, r]));
      const problems: string[] = [];
      for (const t of truthRecords) {
        const r = byId.get(t.rid);
        if (!r) problems.push(`record ${t.rid}: missing`);
        else for (const d of differences(r, t)) if (!(truth.third_reference && d.startsWith('headerNumber'))) problems.push(`record ${t.rid}: ${d}`);
      }
      expect(problems).toEqual([]);

      // Record set: the same count, or (damaged chunks only) more, each extra one in a chunk we warned about.
      const resynced = warnings.list.filter((w) => w.code === 'EVTX_RECORD_HEADER' || w.code === 'EVTX_RECORD_BINXML');
      if (resynced.length === 0) expect(records.length).toBe(truth.record_count);
      else {
        expect(file.damaged).toBe(true);
        const known = new Set(truthRecords.map((t) => t.rid));
        const damagedChunks = new Set(resynced.map((w) => Math.floor(((w.offset ?? 0) - 4096) / 65536)));
        for (const r of records) if (!known.has(r.recordId)) expect(damagedChunks.has(Math.floor((r.offset - 4096) / 65536))).toBe(true);
        expect(records.length).toBeGreaterThanOrEqual(truth.record_count);
      }

      // Files whose truth keeps only a sample: the (Provider/EventID) counts over all records must agree.
      if (!truth.records_complete) {
        const counts: Record<string, number> = {};
        for (const r of records) {
          const k = `${r.provider}/${r.eventId}`;
          counts[k] = (counts[k] ?? 0) + 1;
        }
        expect(counts).toEqual(truth.counts);
      }

      // Chunk damage: the same chunks as the helper's independent header reading (no CRCs with flag 0x4).
      const chunks = (code: string) => warnings.list.filter((w) => w.code === code).map((w) => ((w.offset ?? 0) - 4096) / 65536);
      const h = truth.header;
      expect(chunks('EVTX_CHUNK_SIGNATURE')).toEqual(h.chunks_bad_magic_nonzero);
      if (!(h.flags & 4)) {
        expect(chunks('EVTX_CHUNK_HEADER_CRC')).toEqual(h.chunks_bad_header_crc);
        expect(chunks('EVTX_CHUNK_DATA_CRC')).toEqual(h.chunks_bad_data_crc);
        expect(warnings.list.some((w) => w.code === 'EVTX_HEADER_CRC')).toBe(!h.header_crc_ok);
      } else expect(warnings.list.filter((w) => /CRC/.test(w.code))).toEqual([]);

      // File order: the truth's complete record lists are in libevtx's (file) order.
      if (truth.records_complete && resynced.length === 0) expect(records.map((r) => r.recordId)).toEqual(truthRecords.map((t) => t.rid));
    });
  }
});
