// Two kinds of tests, one `npm test`: pure modules (the rules, the protocol,
// config) in plain Node, and everything that needs the runtime inside workerd
// through the Workers Vitest integration: the real Worker, the real Durable
// Objects, SQLite storage isolated per test file.
import { mkdirSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The [assets] directory must exist before the pool starts, built or not.
mkdirSync("dist/client", { recursive: true });

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // The Worker logs a JSON line per request; show it only for failing tests.
    silent: "passed-only",
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { ADMIN_KEY: "test-admin-key-of-thirty-two-chars", SESSION_SECRET: "test-session-secret-of-thirty-two-chars", RELAY_AFTER: "20", BOOK_RELAY_SIZE: "3" },
            },
          }),
        ],
        test: { name: "workerd", include: ["test/client/**/*.test.ts", "test/integration/**/*.test.ts"] },
      },
    ],
  },
});
