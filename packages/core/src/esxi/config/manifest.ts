/**
 * Manifest.txt of a configBundle, written by firmwareConfig.sh --backup (docs/formats/esxi.md §3):
 *   RELEASELEVEL=VMware ESXi 6.7.0 GA        (`vmware -l`; `vmware -v` style "… build-8169922" also accepted)
 *   UUID=5fb27665-83f4-b1f5-3e9f-000c29801686
 *   KERNELOPTS= installerDiskDumpSlotSize=2560 no-auto-partition
 *   USEROPTS=
 * The restore compares RELEASELEVEL and UUID with the host ("Mismatched Bundle").
 */
import type { Manifest } from '../backup/model.js';

/** Manifest.txt is a few hundred bytes; anything far larger is not one and is cut here. */
export const MAX_MANIFEST_BYTES = 64 * 1024;

/**
 * A configBundle's Manifest.txt: release level, build, UUID, boot options.
 * @example parseManifest('RELEASELEVEL=VMware ESXi 7.0.3 build-21930508\n').build // '21930508'
 */
export function parseManifest(text: string): Manifest {
  const entries: Array<{ key: string; value: string }> = [];
  for (const line of text.slice(0, MAX_MANIFEST_BYTES).split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    entries.push({ key, value: line.slice(eq + 1) });
  }
  const get = (k: string) => {
    const found = entries.filter((e) => e.key.toUpperCase() === k);
    return found.length === 0 ? undefined : found[found.length - 1]!.value.trim();
  };
  const releaseLevel = get('RELEASELEVEL');
  // The blanks after the version go into the rest (trimmed below): a `\s*` there shared a run of tabs with the
  // `(.*)` and backtracked over it quadratically when a \r followed (64 KB: 1.5 s).
  const m = releaseLevel === undefined ? null : /ESXi?\s+(\d+\.\d+(?:\.\d+)?)(.*)$/i.exec(releaseLevel);
  const rest = m?.[2]?.trim() ?? '';
  const buildInLevel = /build-(\d+)/i.exec(rest)?.[1];
  const update = rest.replace(/build-\d+/i, '').trim();
  const build = get('BUILD') ?? buildInLevel;
  return {
    releaseLevel,
    version: m?.[1],
    update: update === '' ? undefined : update,
    build: build === '' ? undefined : build,
    uuid: get('UUID') || undefined,
    kernelOpts: get('KERNELOPTS'),
    userOpts: get('USEROPTS'),
    entries,
  };
}
