/**
 * Template cache: a chunk's template definitions, parsed once and shared by every record that uses
 * them. Keyed by the definition's chunk offset (template ids can repeat across chunks; offsets cannot
 * within one). A new cache is made per chunk, so memory stays bounded by one chunk's templates.
 */
import type { XContent } from './binxml.js';

/** A parsed template definition: its body with substitution placeholders. */
export interface XTemplate {
  offset: number;
  nodes: XContent[];
}

export class TemplateCache {
  private readonly byOffset = new Map<number, XTemplate>();

  get(offset: number): XTemplate | undefined {
    return this.byOffset.get(offset);
  }

  define(offset: number, nodes: XContent[]): XTemplate {
    const t = { offset, nodes };
    this.byOffset.set(offset, t);
    return t;
  }

  get size(): number {
    return this.byOffset.size;
  }
}
