// The environment every `wrangler dev` this project starts runs with: offline
// (no update check, no `Request.cf` fetch, no metrics) and on the Node that
// runs the caller, so wrangler's `#!/usr/bin/env node` never finds an older one.
import { delimiter, dirname } from "node:path";

export function wranglerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: `${dirname(process.execPath)}${delimiter}${base.PATH ?? ""}`,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
  };
}
