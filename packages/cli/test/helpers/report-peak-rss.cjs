// Preloaded (node --require) into a CLI run under measurement: prints the process's peak RSS on exit.
process.on('exit', () => {
  require('node:fs').writeSync(2, `\nANALYZE_PEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
