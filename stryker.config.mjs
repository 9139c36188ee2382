// Mutation testing of the money rules (worker/rules/: quotes, ledger,
// settlement, exposure, bet records, the market book, limits, the statement) against their plain-Node
// unit tests. `npm run test:mutation`; the report lands in test-results/mutation/.
// The score and what survives, with why, are in docs/security.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The rules that decide money: quotes and accept policies, payouts, the
  // ledger's keys and balances, settlement outcomes, exposure, bet records and
  // the market book whose state a quote reads.
  mutate: ["worker/rules/{quote,ledger,settlement,exposure,bet-record,result,market-book,cashout,multiple,limits,statement,resume}.ts"],
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "test-results/mutation/index.html" },
  jsonReporter: { fileName: "test-results/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  concurrency: 2,
  timeoutMS: 10_000,
  // Any surviving mutant in the money rules fails the run (equivalent mutants
  // are disabled where they stand, each with its reason).
  thresholds: { high: 100, low: 100, break: 100 },
  cleanTempDir: "always",
};
