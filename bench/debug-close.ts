import { performance } from "node:perf_hooks";
import { createMarket, openSession, pushOdds } from "./lib/api.ts";
import { openMarketSocket } from "./lib/market-socket.ts";
import { startPlatform } from "./lib/platform.ts";
const p = await startPlatform({ port: 8795, label: "debug" });
const t0 = performance.now();
const log = (s: string) => console.log(((performance.now() - t0) / 1000).toFixed(3), s);
try {
  const admin = (await openSession(p.url, "t", p.adminKey)).token;
  await createMarket(p.url, admin, "dbg");
  const s = await openMarketSocket(p.url, "dbg", { onFrame: (f) => log(JSON.stringify(f)), onClose: (c, r) => log(`close ${c} ${r}`) });
  log("open " + JSON.stringify(s.snapshot).slice(0, 80));
  for (let i = 0; i < 8; i++) { await new Promise((r) => setTimeout(r, 500)); log("push seq " + (await pushOdds(p.url, admin, "dbg", { home: 2.5 + (i % 2 ? 0 : 0.02) }))); }
} finally { await p.stop(); }
