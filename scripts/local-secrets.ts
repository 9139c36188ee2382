// Local defaults for ADMIN_KEY and SESSION_SECRET: random on the first start,
// kept beside the local state so sessions survive a restart. Production sets
// real secrets with `wrangler secret put`.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const FILE = ".wrangler/edgebook-local.json";

export function localSecrets(): { adminKey: string; sessionSecret: string } {
  if (existsSync(FILE)) {
    const saved = JSON.parse(readFileSync(FILE, "utf8"));
    if (typeof saved.adminKey === "string" && typeof saved.sessionSecret === "string") return saved;
  }
  const fresh = { adminKey: `local-${randomBytes(9).toString("base64url")}`, sessionSecret: randomBytes(32).toString("base64url") };
  mkdirSync(dirname(FILE), { recursive: true });
  writeFileSync(FILE, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  return fresh;
}
