/**
 * Damaged and hostile captures: a clear error naming the byte offset, the results up to the damage,
 * no hang, and no allocation in proportion to a corrupt length field.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeCapture } from '../../src/pcap/index.js';
import { fixturePath } from '../helpers/corpus.js';

const reader = (name: string) => fixturePath('pcap', 'reader', name);
const tmp = mkdtempSync(join(tmpdir(), 'pcap-hostile-'));
function temp(name: string, data: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
}

/** A classic pcap header (LE, microseconds, Ethernet) followed by `records`. */
function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(262144, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

describe('hostile and damaged captures', () => {
  it('caplen of 2^31 in a record: error at that record, frames before it kept, no 2 GB allocation', async () => {
    const before = process.memoryUsage().rss;
    const r = await analyzeCapture(reader('caplen-2g.pcap'));
    expect(r.error?.code).toBe('PCAP_BAD_CAPLEN');
    expect(r.error?.offset).toBe(99); // 24 header + 16 + 59-byte first packet
    expect(r.frames).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('pcapng block length of 2^31: rejected before reading it', async () => {
    const r = await analyzeCapture(reader('block-length-2g.pcapng'));
    expect(r.error?.code).toBe('PCAP_BAD_BLOCK_LENGTH');
    expect(r.error?.offset).toBe(4);
  });

  it('pcapng EPB captured length beyond its block', async () => {
    const r = await analyzeCapture(reader('epb-caplen-2g.pcapng'));
    expect(r.error?.code).toBe('PCAP_BAD_CAPLEN');
    expect(r.frames).toBe(1);
  });

  it('pcapng trailing length that disagrees with the leading one', async () => {
    const r = await analyzeCapture(reader('block-trailer-mismatch.pcapng'));
    expect(r.error?.code).toBe('PCAP_BAD_BLOCK_LENGTH');
  });

  it('pcapng packet naming an interface that does not exist', async () => {
    const r = await analyzeCapture(reader('epb-bad-interface.pcapng'));
    expect(r.error?.code).toBe('PCAP_BAD_INTERFACE');
    expect(r.frames).toBe(1);
  });

  // A cut record is damage (project rule: exit 2, what came before still reported; tshark exits 2 too). It was a
  // warning, an error only with --strict: `analyze pcap -q` passed a cut capture as complete.
  it('truncated tail: an error with the record\'s offset, every complete frame counted, with or without --strict', async () => {
    for (const strict of [false, true]) {
      const r = await analyzeCapture(reader('truncated-tail.pcap'), { strict });
      expect(r.error).toMatchObject({ code: 'PCAP_TRUNCATED_RECORD', offset: 240, message: 'capture ends in the middle of a record (58 bytes of it present): the rest is missing' });
      expect(r.frames).toBe(3);
      expect(r.checksums.tcp.bad).toBe(1);
      expect(r.warnings).toEqual([]);
    }
  });

  it('truncated inside a record header: an error too', async () => {
    const r = await analyzeCapture(reader('truncated-record-header.pcap'));
    expect(r.frames).toBe(3);
    expect(r.error?.code).toBe('PCAP_TRUNCATED_RECORD');
    expect(r.warnings).toEqual([]);
  });

  it('garbage, empty and 3-byte files: not a capture', async () => {
    expect((await analyzeCapture(reader('garbage.pcap'))).error?.code).toBe('PCAP_UNKNOWN_FORMAT');
    expect((await analyzeCapture(reader('empty.pcap'))).error?.code).toBe('PCAP_TOO_SHORT');
    expect((await analyzeCapture(reader('three-bytes.pcap'))).error?.code).toBe('PCAP_TOO_SHORT');
  });

  it('a header with no packets is a valid, empty capture', async () => {
    const r = await analyzeCapture(reader('header-only.pcap'));
    expect(r.error).toBeUndefined();
    expect(r.frames).toBe(0);
    expect(r.format).toBe('pcap');
  });

  it('truncated gzip: error, not a hang', async () => {
    const r = await analyzeCapture(reader('truncated.pcap.gz'));
    expect(r.error?.code).toBe('PCAP_GZIP_CORRUPT');
  });

  it('gzip stream cut half-way: the frames inflated before the cut are reported, with the error', async () => {
    const r = await analyzeCapture(reader('truncated-mid.pcap.gz'));
    expect(r.error?.code).toBe('PCAP_GZIP_CORRUPT');
    expect(r.error?.offset).toBeGreaterThan(24);
    expect(r.frames).toBeGreaterThan(100);
    expect(r.frames).toBeLessThan(400);
    // every 10th generated segment is bad
    expect(r.checksums.tcp.bad).toBe(Math.ceil(r.frames / 10));
  });

  it('a missing file and a directory are unreadable, not crashes', async () => {
    expect((await analyzeCapture(join(tmp, 'nope.pcap'))).error?.code).toBe('FILE_UNREADABLE');
    expect((await analyzeCapture(tmp)).error?.code).toBe('FILE_UNREADABLE');
  });

  it('caplen just over the 256 KiB limit in every record of a long file: fails fast at the first', async () => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(262145, 8);
    const file = temp('over-limit.pcap', Buffer.concat([pcapHeader(), rec, Buffer.alloc(300000)]));
    const r = await analyzeCapture(file);
    expect(r.error?.code).toBe('PCAP_BAD_CAPLEN');
    expect(r.error?.offset).toBe(24);
  });

  it('a gzip bomb of zeros streams through the fixed buffer (memory stays flat)', async () => {
    // 64 MiB of zeros after a pcap header: zero-length records, 4 M frames, a few KB compressed.
    const bomb = gzipSync(Buffer.concat([pcapHeader(), Buffer.alloc(64 * 1024 * 1024)]), { level: 9 });
    expect(bomb.length).toBeLessThan(200 * 1024);
    const file = temp('zeros.pcap.gz', bomb);
    const before = process.memoryUsage().rss;
    const r = await analyzeCapture(file);
    expect(r.error).toBeUndefined();
    expect(r.frames).toBe((64 * 1024 * 1024) / 16);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('crafted nesting (IP-in-IP 100 deep) stops at the depth limit', async () => {
    // IPv4 headers with protocol 4, each claiming the rest of the packet.
    const depth = 100;
    const total = 20 * depth + 8;
    const pkt = Buffer.alloc(14 + total);
    pkt.writeUInt16BE(0x0800, 12);
    for (let i = 0; i < depth; i++) {
      const o = 14 + 20 * i;
      pkt[o] = 0x45;
      pkt.writeUInt16BE(total - 20 * i, o + 2);
      pkt[o + 8] = 64;
      pkt[o + 9] = i === depth - 1 ? 17 : 4;
    }
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(pkt.length, 8);
    rec.writeUInt32LE(pkt.length, 12);
    const r = await analyzeCapture(temp('nested.pcap', Buffer.concat([pcapHeader(), rec, pkt])), { onFrame: (f) => expect(f.record().checks.length).toBeLessThanOrEqual(32) });
    expect(r.frames).toBe(1);
    expect(r.checksums.ipv4.checked).toBe(1);
  });
});
