/**
 * Hostile module names, built here: the name of the module holding the exception address is matched against
 * the runtime libraries (libc, ld-linux, ntdll, ...), and a long name that fails that match at its very end
 * must not make the match split it every way. Exact results, and a generous hang guard (the input took 20 s+).
 */
import { describe, expect, it } from '@jest/globals';
import { analyzeNativeBuffer } from '../../../src/dump/native/index.js';

/** A minidump with one module (base 0x10000, 4 KB) named `name`, and an access violation at 0x10010 inside it. */
function crashIn(name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf16le');
  const header = Buffer.alloc(32);
  header.write('MDMP', 0, 'latin1');
  header.writeUInt32LE(0xa793, 4);
  header.writeUInt32LE(2, 8); // streams
  header.writeUInt32LE(32, 12); // directory RVA
  const dirAt = 32;
  const modulesAt = dirAt + 24;
  const modulesLen = 4 + 108;
  const exceptionAt = modulesAt + modulesLen;
  const exceptionLen = 168;
  const nameAt = exceptionAt + exceptionLen;
  const dir = Buffer.alloc(24);
  dir.writeUInt32LE(4, 0); // ModuleList
  dir.writeUInt32LE(modulesLen, 4);
  dir.writeUInt32LE(modulesAt, 8);
  dir.writeUInt32LE(6, 12); // Exception
  dir.writeUInt32LE(exceptionLen, 16);
  dir.writeUInt32LE(exceptionAt, 20);
  const modules = Buffer.alloc(modulesLen);
  modules.writeUInt32LE(1, 0);
  modules.writeBigUInt64LE(0x10000n, 4); // BaseOfImage
  modules.writeUInt32LE(0x1000, 12); // SizeOfImage
  modules.writeUInt32LE(nameAt, 24); // ModuleNameRva
  const exception = Buffer.alloc(exceptionLen);
  exception.writeUInt32LE(1, 0); // ThreadId
  exception.writeUInt32LE(0xc0000005, 8); // ExceptionCode
  exception.writeBigUInt64LE(0x10010n, 24); // ExceptionAddress
  const str = Buffer.alloc(4 + nameBytes.length);
  str.writeUInt32LE(nameBytes.length, 0);
  nameBytes.copy(str, 4);
  return Buffer.concat([header, dir, modules, exception, str]);
}

/** Far above the linear cost (milliseconds), far below the quadratic one (1.4-2.7 s a dump). */
const HANG_GUARD_MS = 5000;

describe('the faulting module of a minidump', () => {
  it('16 dumps whose faulting module is "ld-linux" + 32,000 dashes + a line break: blamed, at once (was 1.4-2.7 s each)', () => {
    const name = `ld-linux${'-'.repeat(32_000)}\n`;
    const dump = crashIn(name);
    const started = performance.now();
    for (let i = 0; i < 16; i++) {
      const r = analyzeNativeBuffer(dump, 'long-name.dmp');
      expect(r.culprit?.module).toBe(name);
      expect(r.exception?.address).toBe('0x10010');
    }
    expect(performance.now() - started).toBeLessThan(HANG_GUARD_MS);
  });

  it('the runtime libraries are still told from the rest (with no stack to look further up, frame 0 stays the culprit)', () => {
    const system = (name: string) => {
      const r = analyzeNativeBuffer(crashIn(name));
      expect(r.culprit?.module).toBe(name);
      return /a system\/runtime library/.test(r.culprit!.evidence.join(' '));
    };
    for (const name of ['ld-linux-x86-64.so.2', 'ld-linux.so.2', 'ld-linux-aarch64.so.1', 'LD-LINUX-armhf.so.3', 'ld-linux', 'libc.so.6', 'libc-2.31.so', 'ntdll.dll']) {
      expect([name, system(name)]).toEqual([name, true]);
    }
    for (const name of ['ld-linux+', 'ld-linux-x86-64.so.2\n', 'ld-linux-\u2028', 'libcrypto.so.3', 'app.exe']) {
      expect([name, system(name)]).toEqual([name, false]);
    }
  });
});
