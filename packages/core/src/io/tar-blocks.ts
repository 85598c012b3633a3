/** Bytes of a tar block: headers and the padding of member data are whole blocks. */
export const TAR_BLOCK = 512;

/** Does a tar header start `head`? POSIX ustar (and GNU "ustar  ") magic at offset 257; v7 tar has none. */
export function hasUstarMagic(head: Uint8Array): boolean {
  return head.length >= 262 && head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72;
}

/** Hands an inflated stream to the tar parser in 512-byte blocks, one header per write (so offsets are exact). */
export class BlockFeeder {
  position = 0;
  private pending = Buffer.alloc(TAR_BLOCK);
  private pendingLength = 0;
  constructor(private readonly write: (block: Buffer) => void, private readonly stopped: () => boolean) {}

  push(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length && !this.stopped()) {
      if (this.pendingLength === 0 && chunk.length - i >= TAR_BLOCK) {
        const block = chunk.subarray(i, i + TAR_BLOCK);
        i += TAR_BLOCK;
        this.position += TAR_BLOCK;
        this.write(block);
        continue;
      }
      const n = Math.min(TAR_BLOCK - this.pendingLength, chunk.length - i);
      chunk.copy(this.pending, this.pendingLength, i, i + n);
      this.pendingLength += n;
      i += n;
      if (this.pendingLength === TAR_BLOCK) this.flush();
    }
    return !this.stopped();
  }

  /** Bytes of a block begun but not complete (only ever at the end of the stream). */
  get tail(): number {
    return this.pendingLength;
  }

  /** Write what is pending (a whole block, or the short tail at the end of the stream). */
  flush(): void {
    if (this.pendingLength === 0) return;
    const block = Buffer.from(this.pending.subarray(0, this.pendingLength));
    this.position += this.pendingLength;
    this.pendingLength = 0;
    this.write(block);
  }

  /** Write the short tail as a whole block, zero-filled: for a stream cut inside the padding of its last member. */
  flushPadded(): void {
    this.pending.fill(0, this.pendingLength);
    this.position += this.pendingLength;
    this.pendingLength = 0;
    this.write(Buffer.from(this.pending));
  }
}
