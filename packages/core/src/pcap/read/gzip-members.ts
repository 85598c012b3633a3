/**
 * gzip (RFC 1952) inflated member by member, in a stream. Node's Gunzip takes any bytes after a member for
 * the next member, fails on trailing garbage with "incorrect header check" and drops what it had inflated
 * from that last input chunk (a whole small capture). Here the member framing is read by hand and each
 * deflate body goes through an InflateRaw, which stops at the body's end and says how much it used; what
 * follows is another member (pigz, bgzf), zero padding, or trailing data that ends the stream cleanly.
 */
import { createInflateRaw, crc32, inflateRawSync } from 'node:zlib';
import { FCOMMENT, FEXTRA, FHCRC, FNAME, FRESERVED } from '../../io/gzip-members.js';

/**
 * A body that ends within the piece at hand and inflates to at most this is inflated at once: a stream costs
 * ~60 µs a member (thread-pool round trips, setup), so 100,000 tiny members took 5.3 s (Node's Gunzip: 33 ms).
 * bgzf blocks hold at most 64 KiB. A larger body wastes at most this much inflating before the stream takes over.
 */
const SMALL_BODY = 256 * 1024;

/**
 * The inflated bytes of the gzip stream in `chunks`, as they come. Throws (a plain Error) on a damaged or
 * truncated member, after yielding everything inflated before the damage; `onTrailing(offset)` is told of
 * data after the last member that is neither a member nor zero padding (offset in compressed bytes).
 * @example for await (const out of gunzipMembers(createReadStream('a.pcap.gz'), (at) => warn(at))) use(out);
 */
export async function* gunzipMembers(chunks: AsyncIterable<Uint8Array>, onTrailing: (offset: number) => void): AsyncGenerator<Uint8Array> {
  const input = new CompressedInput(chunks[Symbol.asyncIterator]());
  for (let member = 0; ; member++) {
    const start = input.offset;
    const magic = await input.take(2);
    if (member > 0 && magic.length === 0) return;
    if (magic.length < 2 || magic[0] !== 0x1f || magic[1] !== 0x8b) {
      if (member === 0) throw new Error('not in gzip format');
      // Padding to a block size is zeros, and fine; anything else is trailing data gzip also ignores.
      if (!(await zerosToEnd(input, magic))) onTrailing(start);
      return;
    }
    await skipHeader(input);
    let crc = 0;
    let size = 0;
    for await (const out of inflateBody(input)) {
      crc = crc32(out, crc);
      size += out.length;
      yield out;
    }
    const trailer = await input.take(8);
    if (trailer.length < 8) throw new Error('unexpected end of file');
    const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
    if (view.getUint32(0, true) !== crc) throw new Error(`CRC32 mismatch in the gzip member at byte ${start}`);
    if (view.getUint32(4, true) !== size % 2 ** 32) throw new Error(`length mismatch in the gzip member at byte ${start}`);
  }
}

/** The rest of a member header after its magic (RFC 1952 2.3). The header CRC is not checked: the trailer's covers the data. */
async function skipHeader(input: CompressedInput): Promise<void> {
  const fixed = await input.take(8); // CM, FLG, MTIME (4), XFL, OS
  if (fixed.length < 8) throw new Error('unexpected end of file');
  if (fixed[0] !== 8) throw new Error(`unknown compression method ${fixed[0]}`);
  const flags = fixed[1]!;
  if (flags & FRESERVED) throw new Error('unknown header flags set');
  if (flags & FEXTRA) {
    const xlen = await input.take(2);
    if (xlen.length < 2 || !(await input.skip(xlen[0]! | (xlen[1]! << 8)))) throw new Error('unexpected end of file');
  }
  if (flags & FNAME) await skipString(input);
  if (flags & FCOMMENT) await skipString(input);
  if (flags & FHCRC && !(await input.skip(2))) throw new Error('unexpected end of file');
}

/** Skip a zero-terminated field (a name or comment of any length, never held). */
async function skipString(input: CompressedInput): Promise<void> {
  for (;;) {
    const piece = await input.next();
    if (piece === undefined) throw new Error('unexpected end of file');
    const zero = piece.indexOf(0);
    if (zero >= 0) return input.back(piece.length - zero - 1);
  }
}

/** Whether `first` and everything after it are zeros. */
async function zerosToEnd(input: CompressedInput, first: Uint8Array): Promise<boolean> {
  for (let piece: Uint8Array | undefined = first; piece !== undefined; piece = await input.next()) {
    if (piece.some((b) => b !== 0)) return false;
  }
  return true;
}

/**
 * One deflate body, inflated at once when small and whole in the piece at hand, else through an InflateRaw
 * fed one piece at a time so that its `bytesWritten` tells where the body ended. Either way the unused tail
 * of the last piece is given back to `input` (the trailer and what follows).
 */
async function* inflateBody(input: CompressedInput): AsyncGenerator<Uint8Array> {
  const piece = await input.next();
  const whole = piece === undefined ? undefined : inflateWhole(piece);
  if (piece !== undefined) input.back(piece.length - (whole?.used ?? 0));
  if (whole !== undefined) {
    if (whole.out.length > 0) yield whole.out;
    return;
  }
  const inflater = createInflateRaw();
  const feed = async (): Promise<void> => {
    for (;;) {
      const piece = await input.next();
      if (piece === undefined) {
        inflater.end(); // a body cut short fails with "unexpected end of file"
        return;
      }
      const before = inflater.bytesWritten;
      await new Promise<void>((resolve, reject) => inflater.write(piece, (e) => (e ? reject(e) : resolve())));
      const used = inflater.bytesWritten - before;
      if (used < piece.length) return input.back(piece.length - used); // the body ended in this piece
    }
  };
  const fed = feed();
  fed.catch((e: unknown) => inflater.destroy(e as Error)); // the input failed: so does the inflation
  try {
    yield* inflater;
    await fed;
  } finally {
    inflater.destroy();
  }
}

/** A body inflated at once if it ends in `piece` and inflates to at most SMALL_BODY, with the bytes it used. */
function inflateWhole(piece: Uint8Array): { out: Uint8Array; used: number } | undefined {
  try {
    const r = inflateRawSync(piece, { info: true, maxOutputLength: SMALL_BODY }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    return { out: r.buffer, used: r.engine.bytesWritten };
  } catch {
    return undefined; // not whole in the piece, larger, or damaged: the stream inflates it and says where damage starts
  }
}

/** The compressed bytes as they arrive: their offset, and the unused tail of a piece can be given back. */
class CompressedInput {
  /** Compressed bytes consumed so far. */
  offset = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;

  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  /** The next bytes (at most `max`, never empty), or undefined at the end. A view, valid until the next call. */
  async next(max = Infinity): Promise<Uint8Array | undefined> {
    while (this.at >= this.chunk.length) {
      const r = await this.chunks.next();
      if (r.done) return undefined;
      this.chunk = r.value;
      this.at = 0;
    }
    const piece = this.chunk.subarray(this.at, Math.min(this.chunk.length, this.at + max));
    this.at += piece.length;
    this.offset += piece.length;
    return piece;
  }

  /** Give back the last `n` bytes of the piece `next` returned: they are read again. */
  back(n: number): void {
    this.at -= n;
    this.offset -= n;
  }

  /** The next `n` bytes, copied (fewer at the end). */
  async take(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const piece = await this.next(n - got);
      if (piece === undefined) break;
      out.set(piece, got);
      got += piece.length;
    }
    return out.subarray(0, got);
  }

  /** Skip `n` bytes; false when the input ends first. */
  async skip(n: number): Promise<boolean> {
    for (let left = n; left > 0; ) {
      const piece = await this.next(left);
      if (piece === undefined) return false;
      left -= piece.length;
    }
    return true;
  }
}
