// The odds feed tool: drive a market from a recorded file or a random walk,
// as an admin, with the feed heartbeat.
//   npm run feed -- --market <id> --file odds.csv|odds.json [--url http://127.0.0.1:8787] [--admin-key KEY]
//   npm run feed -- --market <id> --random [--every-ms 2000] [--duration-s 60]
import { parseArgs } from "node:util";
import { EdgebookApi } from "../client/sdk/index.ts";
import { readFileSync } from "node:fs";
import { type FeedStep, parseCsvFeed, parseJsonFeed } from "./feed/feed-file.ts";
import { randomWalk } from "./feed/random-walk.ts";
import { localSecrets } from "./local-secrets.ts";

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
    for (const [i, step] of steps.entries()) {
      await new Promise((r) => setTimeout(r, step.afterMs));
      for (const id of markets) {
        try {
          const seq = "odds" in step ? await admin.pushOdds(id, step.odds) : await admin.setStatus(id, { status: step.status });
          await admin.feedHeartbeat(id);
          console.log(`step ${i + 1} ${id}: seq ${seq}`);
        } catch (err) {
          console.error(`step ${i + 1} ${id}: ${(err as Error).message}`);
          return 1;
        }
      }
    }
    return 0;
  }

  const controller = new AbortController();
  process.on("SIGINT", () => controller.abort());
  const duration = Number(values["duration-s"] ?? 0);
  if (duration > 0) setTimeout(() => controller.abort(), duration * 1000).unref();
  await randomWalk(admin, {
    markets,
    everyMs: Number(values["every-ms"] ?? 2000),
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  return 0;
}

process.exitCode = await main();
