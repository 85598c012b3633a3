// Prints the plain closing line `N passed, N failed` that CI reads (Jest's own summary is not one it
// recognises), and leaves it in .jest-summary for .ci/run to repeat as its last line.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    // A test file that fails to load counts as one failure, so a broken suite is never reported green.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${results.numPendingTests ? `, ${results.numPendingTests} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
    try {
      writeFileSync(join(this.rootDir, '.jest-summary'), `${line}\n`);
    } catch {
      // read-only checkout: the stdout line is enough
    }
  }
}
module.exports = SummaryReporter;
