import { spawnSync } from "node:child_process";
const setpriv = spawnSync("sh", ["-c", "command -v setpriv"], { encoding: "utf8", timeout: 2_000 });
console.log(setpriv.status, setpriv.stdout);
import { createRequire } from "node:module";
console.log((createRequire(createRequire(import.meta.url).resolve("miniflare"))("workerd") as any).default);
