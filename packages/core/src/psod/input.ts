import { TextDecoder } from 'node:util';
import { otherKindHint } from '../io/other-kinds.js';
import { AnalyzeError } from '../errors.js';
import { gunzipBounded, isGzip } from '../io/files.js';
import { inflateSlices } from '../io/gzip-members.js';
import { hasUstarMagic } from '../io/tar-blocks.js';
import { CrashWindow, type NotText, type PsodWindow } from './window.js';

/**
 * Largest PSOD input read: a whole vmkernel.log from a support bundle fits (they rotate at a few MB);
 * anything bigger is not a pasted screen and is refused (it is streamed, never held, but the cap bounds the
 * time spent on it and what a gzip bomb may inflate to).
 */
export const MAX_PSOD_INPUT = 64 * 1024 * 1024;

/** How much of the start is looked at to recognise UTF-16 without a byte-order mark, or bytes that are not text. */
const SNIFF_BYTES = 4096;
/** Zeros decoded in place of a leading hole of NUL bytes, a slice at a time (TextStage). */
const NUL_SLICE = new Uint8Array(64 * 1024);
/**
 * Share of control bytes (other than tab, line breaks, form feed and escape) in the start above which the input
 * is not text. Logs and pasted screens have none, nor has UTF-8 text in any language (its other bytes are
 * >= 0x80); compressed or random bytes have ~10.5 % (27 of the 256 values).
 */
export const NOT_TEXT_CONTROL_SHARE = 0.05;

/**
 * Bytes (plain or gzipped vmkernel.log), as they arrive, -> the crash window of their text, holding neither
 * the bytes nor the text whole: each piece is decoded once, split into lines and looked at once (window.ts).
 * UTF-16 (with a byte-order mark, or recognised by its zero bytes: a screen saved by a Windows tool) is
 * decoded as such; read as UTF-8 it would double in size and become U+FFFD noise. Invalid UTF-8 becomes
 * U+FFFD rather than failing.
 * @example const w = await readPsodWindow(readFileChunks('vmkernel-zdump.txt.gz', MAX_PSOD_INPUT), 'vmkernel-zdump.txt.gz');
 */
export async function readPsodWindow(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, file?: string): Promise<PsodWindow> {
  const window = new CrashWindow();
  const decoder = new PsodDecoder((text) => window.write(text), file);
  let bytes = 0;
  for await (const c of chunks) {
    bytes += c.length;
    decoder.write(c);
  }
  // "No PSOD found" would judge a text; an empty file (a copy that failed, a log rotated away) holds none.
  if (bytes === 0) throw new AnalyzeError('PSOD_EMPTY', 'the input is empty (0 bytes): there is no text to look at', { ...(file === undefined ? {} : { file }), offset: 0 });
  decoder.end();
  const { notText, damaged, trailing } = decoder;
  return { ...window.result(), ...(notText === undefined ? {} : { notText }), ...(damaged === undefined ? {} : { damaged }), ...(trailing === undefined ? {} : { trailing }) };
}

/**
 * The whole text of bytes already in memory (decoded as `readPsodWindow` does). For a screen or a short
 * log: a long one is better streamed through `readPsodWindow`.
 * @example const text = psodText(readFileSync('vmkernel-zdump.txt.gz'), 'vmkernel-zdump.txt.gz');
 */
export function psodText(data: Uint8Array, file?: string): string {
  const pieces: string[] = [];
  const decoder = new PsodDecoder((text) => pieces.push(text), file);
  decoder.write(data);
  decoder.end();
  return pieces.join('');
}

/**
 * Bytes decoded at once, whatever size the input arrives in: pieces of at most 32 Ki characters stay in
 * V8's young generation and are freed at once (1 MiB pieces went to the large-object space and piled up
 * until a full collection: 70 MB more peak on a 63 MB file).
 */
const DECODE_SLICE = 32 * 1024;

/** Bytes -> text pieces: gzip is recognised by its first two bytes and inflated, then decoded by TextStage. */
class PsodDecoder {
  /** The text stage, fed directly or through an Inflater once the first bytes tell gzip. */
  private readonly text: TextStage;
  private stage: TextStage | Inflater | undefined;
  private head: Buffer | undefined;

  constructor(
    onText: (text: string) => void,
    private readonly file: string | undefined,
  ) {
    this.text = new TextStage(onText);
  }

  /** Set once the start of the (inflated) bytes was seen not to be text. */
  get notText(): NotText | undefined {
    return this.text.notText;
  }

  /** Set when gzip input was damaged: the text inflated before the damage has been handed on. */
  get damaged(): PsodWindow['damaged'] {
    return this.stage instanceof Inflater ? this.stage.damaged : undefined;
  }

  /** See Inflater.trailing. */
  get trailing(): number | undefined {
    return this.stage instanceof Inflater ? this.stage.trailing : undefined;
  }

  write(bytes: Uint8Array): void {
    if (this.stage) return this.stage.write(bytes);
    // a first chunk of one byte waits for the next to tell gzip
    const b = this.head ? Buffer.concat([this.head, bytes]) : bytes;
    this.head = undefined;
    if (b.length < 2) {
      this.head = Buffer.from(b);
      return;
    }
    this.stage = isGzip(b) ? new Inflater(this.text, this.file) : this.text;
    this.stage.write(b);
  }

  end(): void {
    if (!this.stage) {
      this.stage = this.text;
      if (this.head) this.stage.write(this.head);
    }
    this.stage.end();
  }
}

/**
 * Text bytes -> text pieces: the encoding is chosen from the first SNIFF_BYTES, then each byte is decoded once.
 * A vmkernel.log cut by a crash can begin with a hole of NUL bytes (the file's blocks were allocated, never
 * written): whether the input is text is told by the SNIFF_BYTES after them. The hole is counted, not held.
 */
class TextStage {
  private head: Buffer[] = [];
  private headLength = 0;
  private decoder: TextDecoder | undefined;
  /** NUL bytes the input began with (while `headLength` is 0, every byte so far was one). */
  private leadingNul = 0;

  constructor(private readonly onText: (text: string) => void) {}

  write(bytes: Uint8Array): void {
    if (this.decoder) return this.decode(bytes);
    if (this.headLength === 0) {
      let i = 0;
      while (i < bytes.length && bytes[i] === 0) i++;
      this.leadingNul += i;
      if (i === bytes.length) return;
      bytes = bytes.subarray(i);
    }
    this.head.push(Buffer.from(bytes)); // a copy: zlib may reuse its output buffer
    this.headLength += bytes.length;
    if (this.headLength >= SNIFF_BYTES) this.start();
  }

  end(): void {
    if (!this.decoder) this.start();
    const rest = this.decoder!.decode();
    if (rest !== '') this.onText(rest);
  }

  /** See PsodDecoder.notText. */
  notText: NotText | undefined;

  private start(): void {
    const rest = Buffer.concat(this.head);
    this.head = [];
    const nul = this.leadingNul;
    // The leading NUL bytes put back for the UTF-16 test (UTF-16BE text without a byte-order mark starts with one).
    const sniff = nul === 0 ? rest : Buffer.concat([Buffer.alloc(Math.min(nul, SNIFF_BYTES)), rest]);
    const utf16 = utf16Order(sniff);
    // Nothing but NUL bytes is not text; otherwise what follows the hole tells.
    if (utf16 === undefined) this.notText = notTextReason(rest.length > 0 ? rest : sniff);
    this.decoder = new TextDecoder(utf16 ?? 'utf-8');
    for (let left = nul; left > 0; left -= NUL_SLICE.length) this.decode(NUL_SLICE.subarray(0, Math.min(left, NUL_SLICE.length)));
    this.decode(rest);
  }

  private decode(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += DECODE_SLICE) {
      const text = this.decoder!.decode(bytes.subarray(at, at + DECODE_SLICE), { stream: true });
      if (text !== '') this.onText(text);
    }
  }
}

/**
 * Gzip bytes inflated into `next` once they have all arrived (they are held anyway, at most MAX_PSOD_INPUT, to
 * say where damage is): member by member (io/gzip-members.ts), so bytes appended after the gzip data cost no
 * text, and each piece of text is handed on as it is inflated, never held whole. A bomb stops at MAX_PSOD_INPUT.
 */
class Inflater {
  private readonly compressed: Uint8Array[] = [];
  /** Set when the gzip data is damaged or cut short: the text before the damage has been handed on. */
  damaged: PsodWindow['damaged'];
  /** Where bytes that are not gzip start after the gzip data (ignored, as gzip ignores them). */
  trailing: number | undefined;

  constructor(
    private readonly next: TextStage,
    private readonly file: string | undefined,
  ) {}

  write(bytes: Uint8Array): void {
    this.compressed.push(bytes);
  }

  end(): void {
    const data = Buffer.concat(this.compressed);
    this.compressed.length = 0;
    const outcome = inflateSlices(data, MAX_PSOD_INPUT, (text) => {
      this.next.write(text);
      return true;
    });
    if (outcome.ok) this.trailing = outcome.trailing;
    if (!outcome.ok && outcome.code === 'LIMIT') throw new AnalyzeError('GZIP_TOO_LARGE', `inflates to more than ${MAX_PSOD_INPUT} bytes (decompression bomb?)`, { file: this.file });
    if (!outcome.ok) {
      // The damage and its offset as every other gzip input reports them; the text before it is still
      // analysed (a log cut short by a copy often holds the whole crash).
      try {
        gunzipBounded(data, MAX_PSOD_INPUT, this.file);
        this.damaged = { code: 'GZIP_CORRUPT', message: `gzip data is damaged or truncated (${outcome.message})`, offset: outcome.at };
      } catch (e) {
        if (!(e instanceof AnalyzeError) || e.code !== 'GZIP_CORRUPT') throw e;
        this.damaged = { code: 'GZIP_CORRUPT', message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }) };
      }
    }
    this.next.end();
  }
}

/** 'utf-16le' / 'utf-16be' when the bytes look like UTF-16 text, else undefined. */
export function utf16Order(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  // ASCII text in UTF-16 has a zero in every other byte; real UTF-8 text has none
  const n = Math.min(b.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  return undefined;
}

/** What the start of some bytes (not UTF-16) is when it is not text, or undefined when it may be text. */
export function notTextReason(b: Uint8Array): NotText | undefined {
  // a tar (a support bundle, or a backup): its plain-text members are read as text all the same
  if (hasUstarMagic(b)) return { kind: 'tar', seen: 'a tar archive', hint: '' };
  const n = Math.min(b.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    // tab, line feed, vertical tab, form feed, carriage return and escape (colour codes) occur in text
    if ((c < 0x20 && (c < 9 || c > 13) && c !== 27) || c === 0x7f) control++;
  }
  if (n === 0 || control <= n * NOT_TEXT_CONTROL_SHARE) return undefined;
  return { kind: 'binary', seen: `${Math.round((control / n) * 100)} % of its first ${n} bytes are control bytes`, hint: otherKindHint(b, 'psod') };
}
