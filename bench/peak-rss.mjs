// Peak RSS of this process, in KiB. On Linux VmHWM, the peak of this program's own memory: getrusage's
// ru_maxrss (process.resourceUsage().maxRSS) also counts what the process held before exec, i.e. the
// parent it was forked from. Elsewhere ru_maxrss.
import { readFileSync } from 'node:fs';

export function peakRssKb() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // no /proc
  }
  return process.resourceUsage().maxRSS;
}
