/** The size caps of the library's inputs: bytes and files say FILE_TOO_LARGE, a stream STDIN_TOO_LARGE, each naming the input. */
import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { readChunks, readInput } from '../../src/api/input.js';

const stream = (bytes: number) => Readable.from([Buffer.alloc(bytes >> 1), Buffer.alloc(bytes - (bytes >> 1))]);

describe('input caps', () => {
  it('a named stream over the cap: STDIN_TOO_LARGE naming the stream (not "standard input"), at the cap', async () => {
    await expect(readInput(stream(101), 100, 'upload.txt')).rejects.toMatchObject({ code: 'STDIN_TOO_LARGE', file: 'upload.txt', offset: 100, message: expect.stringMatching(/^the stream is longer than the 100 bytes/) });
    const chunks = async () => {
      for await (const _ of readChunks(stream(101), 100, '-'));
    };
    await expect(chunks()).rejects.toMatchObject({ code: 'STDIN_TOO_LARGE', file: '-', message: expect.stringMatching(/^standard input is longer/) });
  });

  it('bytes over the cap: FILE_TOO_LARGE; at the cap: read', async () => {
    await expect(readInput(new Uint8Array(101), 100, 'x.bin')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE', file: 'x.bin' });
    expect((await readInput(stream(100), 100, 'ok')).length).toBe(100);
  });
});
