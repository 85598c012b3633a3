import type { PsodFrameJson, PsodJson } from '@analyze/core/api/psod';
import type { Colors } from '../../render/color.js';

function frameText(f: PsodFrameJson): string {
  if (f.obfuscated) return `[email obfuscated]${f.version !== null ? `#${f.version}` : ''}+${f.offset ?? '?'}`;
  const mod = f.module === null ? '' : `@${f.module}#${f.version ?? ''}`;
  return `${f.function ?? '?'}${mod}+${f.offset ?? '?'}`;
}

/** Part of the text was not analysed (PSOD_INPUT_CUT). */
export function isCut(a: PsodJson): boolean {
  return a.warnings.some((w) => w.code === 'PSOD_INPUT_CUT');
}

/** The gzip input is damaged or cut short: only the text before the damage was analysed (GZIP_CORRUPT). */
export function isDamaged(a: PsodJson): boolean {
  return a.warnings.some((w) => w.code === 'GZIP_CORRUPT');
}

/** The text holds backtraces that non-fatal warnings logged (PSOD_LOGGED_BACKTRACE): not crashes. */
export function hasLoggedBacktrace(a: PsodJson): boolean {
  return a.warnings.some((w) => w.code === 'PSOD_LOGGED_BACKTRACE');
}

/** The input is not text, and no crash was found in it (PSOD_NOT_TEXT). */
export function isNotText(a: PsodJson): boolean {
  return a.warnings.some((w) => w.code === 'PSOD_NOT_TEXT');
}

export function renderPsod(a: PsodJson, file: string, c: Colors, showFile: boolean): string {
  const out: string[] = [];
  if (showFile) out.push(c.bold(`${file}:`));
  if (!a.crashFound) {
    out.push(
      isNotText(a)
        ? 'No PSOD found, but this file is not a plain text (see the PSOD_NOT_TEXT warning): a crash in it is not ruled out.'
        : isCut(a) || isDamaged(a)
          ? `No PSOD found in the part of the text analysed, but part of it was not read (see the ${isDamaged(a) ? 'GZIP_CORRUPT' : 'PSOD_INPUT_CUT'} warning): a crash there is not ruled out.`
          : hasLoggedBacktrace(a)
            ? 'No PSOD found: no purple-screen header, and the only backtraces were logged by non-fatal warnings (see the PSOD_LOGGED_BACKTRACE warning).'
            : 'No PSOD found: no purple-screen header and no backtrace frames in this text.',
    );
    return `${out.join('\n')}\n`;
  }
  const ex = a.exception;
  const exText = ex ? `${ex.type ? `#${ex.type} Exception ${ex.number ?? ''}`.trim() : ex.kind}${ex.location ? ` at ${ex.location}` : ''}${ex.inferred ? ' (inferred from the backtrace)' : ''}` : 'unknown (no header in the text)';
  out.push(`${c.red(c.bold('PSOD'))}: ${exText}`);
  if (a.banner) out.push(`  host     ${a.banner.product}${a.banner.version ? ` ${a.banner.version}` : ''}${a.banner.build ? ` build ${a.banner.build}` : ''}`);
  if (a.world) out.push(`  world    ${a.world.idText}${a.world.name ? ` (${a.world.name})` : ''}`);
  if (a.cpu !== null) out.push(`  cpu      ${a.cpu}`);
  if (a.ip) out.push(`  ip       ${a.ip}${a.faultAddress ? `  fault address ${a.faultAddress}` : ''}`);
  if (ex && !ex.type && !ex.inferred) out.push(`  message  ${ex.text}`);
  if (a.culprit) {
    const cu = a.culprit;
    out.push(`  ${c.bold('culprit')}  ${c.bold(cu.function ?? '(name lost)')}${cu.module !== null ? `@${cu.module || '(unnamed module)'}` : ''}  (frame #${cu.frameIndex})`);
    out.push(`           ${c.dim(cu.reason)}`);
  }
  if (a.signature) {
    out.push(`  ${c.yellow('known')}    ${a.signature.title}`);
    out.push(`           ${a.signature.explanation}`);
    out.push(`  ${c.yellow('advice')}   ${a.advice ?? ''}`);
    for (const s of a.signature.sources) out.push(`           ${c.dim(`source: ${s.title} <${s.url}>`)}`);
  }
  if (a.frames.length) {
    out.push(`  backtrace (${a.frames.length} frame${a.frames.length === 1 ? '' : 's'}):`);
    a.frames.forEach((f, i) => out.push(`    ${String(i).padStart(2)} ${i === a.culprit?.frameIndex ? c.bold(frameText(f)) : frameText(f)}`));
  }
  if (a.quirks.length) out.push(`  ${c.dim(`input clean-up: ${a.quirks.join(', ')}`)}`);
  return `${out.join('\n')}\n`;
}
