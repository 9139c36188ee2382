import net from "node:net";
import { spawnServer } from "./server/launch.ts";
const s = await spawnServer({ port: 8845, stateDir: "/tmp/srv/dbg", buildClient: false, vars: { ADMIN_KEY: "x", SESSION_SECRET: "y", LOG_LEVEL: "warn", RATE_SESSIONS_PER_10S: "4" } });
const t = Date.now();
const closes: number[] = []; let datas = 0;
for (let i = 0; i < 260; i++) {
const c = net.connect({port: 8845, host: "127.0.0.1", localAddress: "127.0.0.4"}, () => c.write(`POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:8845\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"name":`));
c.on("data", (d) => datas++);
c.on("error", () => {});
c.on("close", () => closes.push(Date.now() - t));
}
for (let k = 0; k < 9; k++) { await new Promise((r) => setTimeout(r, 2500)); console.log(Date.now() - t, "closed", closes.length, "data", datas); }
await s.stop();
