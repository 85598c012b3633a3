import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bundle/bin.js', import.meta.url));
const preload = fileURLToPath(new URL('./report-peak-rss.cjs', import.meta.url));

/** The memory budget of every command on any input (issue 20), in MB (10^6 bytes). */
export const RSS_BUDGET_MB = 256;

export interface MeasuredRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the whole process, MB (10^6 bytes). */
  peakMB: number;
  seconds: number;
}

/** Run the built CLI in a child process (`input` on its standard input) and report its peak RSS (getrusage ru_maxrss). */
export function runMeasured(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: Buffer } = {}): MeasuredRun {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 512 * 1024 * 1024,
    ...(opts.input ? { input: opts.input } : {}),
  });
  const m = /\nANALYZE_PEAK_RSS_KB=(\d+)\n$/.exec(r.stderr);
  if (!m) throw new Error(`no peak RSS reported by analyze ${args.join(' ')} (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(-500)}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, m.index), peakMB: (Number(m[1]) * 1024) / 1e6, seconds: (Date.now() - t) / 1000 };
}
