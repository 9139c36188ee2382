// The plain-Node unit tests alone, for mutation testing (stryker.config.mjs):
// Stryker runs them once per mutant of the pure rules, which need no runtime.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/unit/**/*.test.ts"], environment: "node", silent: "passed-only" },
});
