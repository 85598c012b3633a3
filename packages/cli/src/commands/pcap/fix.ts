/**
 * `analyze pcap IN --fix-checksums OUT [--fix-lengths]`: wiring only. The work is one core call
 * (`fixChecksums`, @analyze/core/pcap/fix) on the shared runner, which prints its report (text or the
 * JSON as core returns it, docs/json-pcap-fix.md) and gives the exit code:
 * 0 every wrong checksum fixed, 1 some packets left with checksums that could not be fixed (the report
 * says which and why), 2 unreadable or damaged input (the copy is still complete) or unwritable output.
 */
import { resolve } from 'node:path';
import { UsageError } from '@analyze/core/errors';
import { fixChecksums, type FixChecksumsReport, type LeftReason } from '@analyze/core/pcap/fix';
import { EXIT_OK, EXIT_PROBLEM, type Context } from '../../context.js';
import { printable } from '../../output.js';
import { refuseInputOverwrite } from '../../inputs.js';
import { runEach } from '../../runner.js';

export interface FixArgs {
  files: string[];
  fixChecksums: string;
  fixLengths?: boolean;
  limit?: number;
}

/** Why packets were left, read after their count: what they are (one, several), then why. */
const WHY: Record<LeftReason, { one: string; many: string; why: string }> = {
  truncated: { one: 'captured shorter than sent (snaplen)', many: 'captured shorter than sent (snaplen)', why: 'left as captured, as a checksum may cover bytes not in the file' },
  fragment: { one: 'IP fragment', many: 'IP fragments', why: 'the transport header is in another packet' },
  'bad-length': { one: 'with a UDP or IP length field that runs past the packet', many: 'with a UDP or IP length field that runs past the packet', why: 'what the checksum covers is unknown' },
  'icmp-quoted': { one: 'header quoted in an ICMP error', many: 'headers quoted in ICMP errors', why: 'what the peer received, kept as evidence' },
  'length-too-long': { one: 'super-frame over 65,535 bytes', many: 'super-frames over 65,535 bytes', why: 'no length field can hold the length' },
  'cut-record': { one: 'record cut by the end of the file', many: 'records cut by the end of the file', why: 'copied unchanged, never checked' },
};

/** "1 IP fragment: the transport header is in another packet". */
function leftLine(reason: LeftReason, count: number): string {
  const w = WHY[reason];
  return `${count.toLocaleString('en-US')} ${count === 1 ? w.one : w.many}: ${w.why}`;
}

/** How many left frames the text lists. */
const TEXT_LEFT_SHOWN = 20;

export async function runFix(args: FixArgs, ctx: Context): Promise<number> {
  if (args.files.length !== 1) throw new UsageError(`--fix-checksums takes exactly one input capture (got ${args.files.length})`);
  const out = args.fixChecksums;
  if (out === '') throw new UsageError('--fix-checksums needs the output file (or - for stdout)');
  refuseInputOverwrite('--fix-checksums', out, args.files, ctx.io);
  if (out === '-' && ctx.json && (ctx.page === undefined || ctx.page.alsoJson || ctx.page.file === '-')) {
    throw new UsageError(`${ctx.page && !ctx.page.alsoJson ? '--html -' : '--json'} and --fix-checksums - both write to stdout: give an output file`);
  }
  // --html: the fix report's own page, not the checksum report's (the command is `pcap` either way).
  const shown = ctx.page ? { ...ctx, page: { ...ctx.page, kind: 'pcap fix' } } : ctx;
  return runEach<FixChecksumsReport>(shown, args.files, {
    analyze: (input, name) =>
      fixChecksums(input, out === '-' ? '-' : resolve(ctx.io.cwd, out), {
        name,
        outputName: out,
        fixLengths: args.fixLengths === true,
        strict: ctx.strict,
        // Only `-` asks for it: that marks stdout as carrying the copy (a reader gone before its end is an error).
        ...(out === '-' ? { stdout: ctx.io.binaryStdout?.() ?? process.stdout } : {}),
        ...(args.limit === undefined ? {} : { limit: args.limit }),
        onProgress: (read, total) => ctx.progress.update(`${name}: ${Math.round((100 * read) / Math.max(total, 1))} %`),
      }),
    exitCode: (r) => (leftCount(r) > 0 ? EXIT_PROBLEM : EXIT_OK),
    render: (r) => {
      // With the capture on stdout, the report goes to stderr.
      if (out !== '-') return renderFix(r, leftCount(r));
      if (!ctx.quiet) ctx.io.err(renderFix(r, leftCount(r)));
      return '';
    },
  });
}

function leftCount(r: FixChecksumsReport): number {
  return Object.values(r.left).reduce((a, b) => a + b, 0);
}

function renderFix(r: FixChecksumsReport, left: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const count = (x: number, one: string) => `${n(x)} ${one}${x === 1 ? '' : 's'}`;
  const lines = [`${printable(r.input)} -> ${printable(r.output)}${r.gzipOut ? ' (gzip)' : ''}: ${count(r.frames, 'frame')} (${r.format ?? 'unknown format'}), ${count(r.packetsChanged, 'packet')} changed`];
  const f = r.fixed;
  const lengths = r.lengthsFixed.ipv4 + r.lengthsFixed.ipv6 > 0 ? `; ${count(r.lengthsFixed.ipv4, 'IPv4 total length')}, ${count(r.lengthsFixed.ipv6, 'IPv6 payload length')}` : '';
  lines.push(`  fixed: ${n(f.ipv4)} IPv4 header, ${n(f.tcp)} TCP, ${n(f.udp)} UDP checksums${lengths}`);
  if (left === 0) lines.push('  left: none');
  else {
    lines.push(`  left unchanged: ${count(left, 'packet')}`);
    for (const [reason, packets] of Object.entries(r.left) as [LeftReason, number][]) if (packets > 0) lines.push(`    ${leftLine(reason, packets)}`);
    const listed = r.leftFrames.slice(0, TEXT_LEFT_SHOWN).map((l) => `${l.frame} (${l.reason})`);
    lines.push(`    frames: ${listed.join(', ')}${r.leftFrames.length > TEXT_LEFT_SHOWN || r.leftFramesTruncated ? ', ...' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
