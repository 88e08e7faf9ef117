/**
 * Prints one plain closing line, `tests: N passed, N failed`, after Jest's own summary, so a CI
 * reader (or a script) can tell at a glance how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numFailedTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests + (failedSuites && !results.numFailedTests ? failedSuites : 0)} failed` +
      (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
