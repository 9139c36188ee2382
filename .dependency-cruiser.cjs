// The import direction inside worker/, checked in CI (`npm run lint:boundaries`):
//   app/index -> http -> objects (hub, relay, book, wallet, catalog, limiter, account) -> platform -> rules -> protocol
// config.ts, log.ts and errors.ts are shared by http, the objects and the platform.
// Objects reach each other through stubs typed by the bindings, and `import type` at most.
const OBJECTS = "^worker/(hub|relay|book|wallet|catalog|limiter|account)/";
const SHARED = "^worker/(config|log|errors)[.]ts$";

/** A rule that `from` may not import `to`. */
const never = (name, comment, from, to) => ({ name, comment, severity: "error", from, to });

module.exports = {
  forbidden: [
    never("no-loop", "No import loop anywhere in the worker, type-only imports included.", { path: "^worker/" }, { circular: true }),
    never("entry-is-top", "Nothing but the entry imports the app, and nothing imports the entry.", { path: "^worker/", pathNot: "^worker/index[.]ts$" }, { path: "^worker/(index|app)[.]ts$" }),
    never("objects-below-http", "Objects never reach up into the HTTP layer.", { path: [OBJECTS, "^worker/platform/", "^worker/rules/", "^worker/protocol/", SHARED] }, { path: "^worker/http/" }),
    never(
      "objects-apart",
      "An object imports another object's module only as `import type`.",
      { path: "^worker/(hub|relay|book|wallet|catalog|limiter|account)/" },
      { path: OBJECTS, pathNot: "^worker/$1/", dependencyTypesNot: ["type-only"] },
    ),
    never("platform-below-objects", "The platform knows no object.", { path: ["^worker/platform/", "^worker/rules/", "^worker/protocol/", SHARED] }, { path: OBJECTS }),
    never("rules-below-platform", "The rules and the protocol know no platform code.", { path: ["^worker/rules/", "^worker/protocol/", SHARED] }, { path: "^worker/platform/" }),
    never("rules-are-pure", "The rules import only the rules and the protocol.", { path: "^worker/rules/" }, { path: "^worker/", pathNot: "^worker/(rules|protocol)/" }),
    never("protocol-is-the-floor", "The protocol, shared with the client, imports only itself.", { path: "^worker/protocol/" }, { path: "^worker/", pathNot: "^worker/protocol/" }),
    never("pure-without-cloudflare", "No cloudflare:* module in the rules or the protocol.", { path: "^worker/(rules|protocol)/" }, { path: "^cloudflare:" }),
    never("shared-is-low", "config, log and errors import only each other and the protocol.", { path: SHARED }, { path: "^worker/", pathNot: ["^worker/protocol/", SHARED] }),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "types", "default"], extensions: [".ts", ".js"] },
  },
};
