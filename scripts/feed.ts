// The odds feed tool: drive a market from a recorded file or a random walk,
// as an admin, with the feed heartbeat.
//   npm run feed -- --market <id> --file odds.csv|odds.json [--url http://127.0.0.1:8787] [--admin-key KEY]
//   npm run feed -- --market <id> --random [--every-ms 2000] [--duration-s 60]
import { parseArgs } from "node:util";
import { EdgebookApi } from "../client/sdk/index.ts";
import { readFileSync } from "node:fs";
import { type FeedStep, parseCsvFeed, parseJsonFeed, unknownSelection, wholeNumberFlag } from "./feed/feed-file.ts";
import { randomWalk } from "./feed/random-walk.ts";
import { localSecrets } from "./local-secrets.ts";

/** Well inside the shortest watchdog a trader would set (a few seconds). */
const HEARTBEAT_MS = 2_000;

function loadFeedFile(path: string): FeedStep[] {
  const text = readFileSync(path, "utf8");
  if (path.endsWith(".json")) return parseJsonFeed(text);
  if (path.endsWith(".csv")) return parseCsvFeed(text);
  throw new Error("the feed file must end in .json or .csv");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      market: { type: "string", multiple: true },
      file: { type: "string" },
      random: { type: "boolean" },
      url: { type: "string" },
      "admin-key": { type: "string" },
      "every-ms": { type: "string" },
      "duration-s": { type: "string" },
    },
  });
  const markets = values.market ?? [];
  if (markets.length === 0 || (!values.file && !values.random)) {
    console.error("usage: npm run feed -- --market <id> (--file <odds.csv|odds.json> | --random) [--url URL] [--admin-key KEY]");
    return 2;
  }
  const everyMs = wholeNumberFlag(values["every-ms"], 2000, 100, 3_600_000);
  const durationS = wholeNumberFlag(values["duration-s"], 0, 0, 86_400);
  if (everyMs === null || durationS === null) {
    console.error("--every-ms takes a whole number from 100 to 3600000, --duration-s one from 0 to 86400");
    return 2;
  }
  const url = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
  const adminKey = values["admin-key"] ?? process.env.ADMIN_KEY ?? localSecrets().adminKey;
  const admin = new EdgebookApi(url);
  try {
    await admin.session("feed", adminKey);
  } catch (err) {
    console.error(`cannot open an admin session at ${url}: ${(err as Error).message}`);
    return 1;
  }

  if (values.file) {
    let steps;
    try {
      steps = loadFeedFile(values.file);
    } catch (err) {
      console.error(`${values.file}: ${(err as Error).message}`);
      return 2;
    }
    // Every market must know every selection the file names before anything is pushed.
    for (const id of markets) {
      try {
        const market = await admin.market(id);
        const wrong = unknownSelection(steps, market.selections.map((s) => s.id));
        if (wrong) {
          console.error(`${values.file}: ${wrong} (market ${id} has ${market.selections.map((s) => s.id).join(", ")})`);
          return 2;
        }
      } catch (err) {
        console.error(`market ${id}: ${(err as Error).message}`);
        return 1;
      }
    }
    // The heartbeat goes on through the file's pauses, so a market's watchdog never mistakes a long one for a dead feed.
    const beat = () => Promise.allSettled(markets.map((id) => admin.feedHeartbeat(id)));
    await beat();
    const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS);
    try {
      for (const [i, step] of steps.entries()) {
        await new Promise((r) => setTimeout(r, step.afterMs));
        for (const id of markets) {
          try {
            const seq = "odds" in step ? await admin.pushOdds(id, step.odds) : await admin.setStatus(id, { status: step.status });
            console.log(`step ${i + 1} ${id}: seq ${seq}`);
          } catch (err) {
            console.error(`step ${i + 1} ${id}: ${(err as Error).message}`);
            return 1;
          }
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
    return 0;
  }

  const controller = new AbortController();
  process.on("SIGINT", () => controller.abort());
  if (durationS > 0) setTimeout(() => controller.abort(), durationS * 1000).unref();
  await randomWalk(admin, {
    markets,
    everyMs,
    heartbeatMs: HEARTBEAT_MS,
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  return 0;
}

process.exitCode = await main();
