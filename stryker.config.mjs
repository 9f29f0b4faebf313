// Mutation testing for the code whose behaviour the suite must pin: `npm run mutate`.
// Not part of `npm test`: it runs the unit and contract suites once per mutant, which takes a while.
// Options: https://stryker-mutator.io/docs/stryker-js/configuration
export default {
  testRunner: 'mocha',
  // tsx compiles the (instrumented) TypeScript in the test process, as `.mocharc.json` does for `npm test`.
  testRunnerNodeArgs: ['--import', 'tsx'],
  mochaOptions: {
    spec: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'],
    config: '.mocharc.json',
  },
  mutate: ['src/jumpcloud/**/*.ts', 'src/util/**/*.ts', 'src/resources/**/*.ts', 'src/mapping/**/*.ts'],
  // Only the tests that cover a mutant run against it.
  coverageAnalysis: 'perTest',
  // The machine's two cores are shared; two test processes keep Stryker from starving everything else.
  concurrency: 2,
  // Re-runs reuse the results of mutants whose code and covering tests did not change.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  ignoreStatic: true,
  // A mutant that hangs is detected; waiting long for it only slows the run.
  timeoutMS: 2000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
