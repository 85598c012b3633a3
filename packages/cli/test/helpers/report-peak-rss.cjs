// Preloaded (node --require) into a CLI run under measurement: prints the process's peak RSS on exit.
// On Linux it is VmHWM, the peak of this program's own memory: getrusage's ru_maxrss also counts what the
// process held before exec, i.e. the parent it was forked from (a 260 MB jest worker made a psod run that
// peaked at 90 MB report 262 MB). Elsewhere ru_maxrss, where the parent is small enough not to matter.
process.on('exit', () => {
  const fs = require('node:fs');
  let kb = process.resourceUsage().maxRSS;
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) kb = Number(hwm[1]);
  } catch {
    // no /proc (macOS, Windows): keep ru_maxrss
  }
  fs.writeSync(2, `\nANALYZE_PEAK_RSS_KB=${kb}\n`);
});
