// Follow a market and place one bet with the SDK, in a few lines.
//   node examples/follow-and-bet.ts [baseUrl] [marketId]
// Prints each change as it arrives, then the bet's answer, and exits.
import { EdgebookApi, MarketSubscription, newBetId } from "../client/sdk/index.ts";

const [baseUrl = "http://127.0.0.1:8787", marketId = "reds-v-blues"] = process.argv.slice(2);

const api = new EdgebookApi(baseUrl);
await api.session("sdk-example");
const sub = new MarketSubscription(api.baseUrl, marketId, { api });

sub.on("odds", (f) => console.log(`odds seq ${f.seq}: ${JSON.stringify(f.odds)}`));
sub.on("status", (f) => console.log(`status seq ${f.seq}: ${f.status}`));
sub.on("failure", (err) => {
  console.error(`cannot follow ${marketId}: ${err.message}`);
  process.exit(1);
});
const stopWaiting = sub.on("snapshot", (snap) => {
  stopWaiting();
  const pick = snap.market.selections[0];
  console.log(`following ${snap.market.name} at seq ${snap.seq}; betting 10.00 on ${pick.name} at ${pick.odds}`);
  sub.placeBet({ id: newBetId(), selectionId: pick.id, stake: 1000, odds: pick.odds, accept: "better" });
});
sub.on("bet", (reply) => {
  if (reply.status === "pending") return;
  console.log(`bet ${reply.status}${reply.reason ? ` (${reply.reason})` : ""} at ${reply.bet?.odds ?? "-"}`);
  sub.close();
  process.exit(reply.status === "accepted" ? 0 : 2);
});
setTimeout(() => {
  console.error("no answer within 15 s");
  process.exit(3);
}, 15_000).unref();
