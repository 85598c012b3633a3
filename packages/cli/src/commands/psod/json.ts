import type { PsodAnalysis } from '@analyze/core/psod';

/** docs/json-psod.md */
export function psodJson(a: PsodAnalysis, file: string): Record<string, unknown> {
  return {
    file,
    crashFound: a.crashFound,
    banner: a.banner,
    exception: a.exception,
    world: a.world,
    cpu: a.cpu,
    ip: a.ip,
    faultAddress: a.faultAddress,
    codeStart: a.codeStart,
    uptime: a.uptime,
    frames: a.frames.map((f) => ({
      function: f.function,
      module: f.module,
      version: f.version,
      offset: f.offset,
      ip: f.ip,
      frameAddress: f.frameAddress,
      ...(f.obfuscated ? { obfuscated: true } : {}),
    })),
    culprit: a.culprit,
    signature: a.signature ? { id: a.signature.id, title: a.signature.title, explanation: a.signature.explanation, sources: a.signature.sources } : null,
    advice: a.signature?.advice ?? null,
    quirks: a.quirks,
    warnings: a.warnings,
  };
}
