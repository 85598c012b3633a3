import { describe, expect, it } from '@jest/globals';
import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { isPipe, openFile, sameFile } from '../../src/io/files.js';

describe('sameFile (guards outputs that would overwrite an input)', () => {
  it('sees one file through another spelling, a symbolic link and a hard link; not a copy or a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'same-file-'));
    try {
      const a = join(dir, 'a.pcap');
      writeFileSync(a, 'capture');
      writeFileSync(join(dir, 'copy.pcap'), 'capture');
      symlinkSync(a, join(dir, 'soft.pcap'));
      linkSync(a, join(dir, 'hard.pcap'));
      expect(sameFile(a, join(dir, '.', 'a.pcap'))).toBe(true);
      expect(sameFile(join(dir, 'soft.pcap'), a)).toBe(true);
      expect(sameFile(a, join(dir, 'hard.pcap'))).toBe(true);
      expect(sameFile(a, join(dir, 'copy.pcap'))).toBe(false);
      expect(sameFile(a, join(dir, 'none.pcap'))).toBe(false);
      symlinkSync(join(dir, 'gone'), join(dir, 'broken'));
      expect(sameFile(a, join(dir, 'broken'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a pipe named by path', () => {
  it('is refused by the offset readers before open() could block, with a message that says to stream it', () => {
    if (process.platform === 'win32') return; // no mkfifo
    const dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    try {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      expect(isPipe(fifo)).toBe(true);
      expect(isPipe(join(dir, 'missing'))).toBe(false);
      // No writer: opening it would wait for ever; the check comes first.
      expect(() => openFile(fifo)).toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE', message: expect.stringContaining('is a pipe or socket, not a file') }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
