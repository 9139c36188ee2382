// The viewer count: at most one a second to each socket, and a new socket
// gets its count once, not again from the broadcast its own connect causes.
import { describe, expect, it } from "vitest";
import { type TestSocket, adminSession, createMarket, mustOpen } from "../helpers/api.ts";

/** Every viewers frame the socket got within `ms` (a bounded wait, then a count). */
async function viewersWithin(ws: TestSocket, ms: number) {
  const frames = await ws.drain(ms);
  return frames.filter((f) => f.type === "viewers");
}

describe("viewer counts", () => {
  it("sends a new socket exactly one viewers frame for its connect", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const first = await mustOpen(market.id);
    await first.next("snapshot");
    expect(await first.next("viewers")).toEqual({ type: "viewers", count: 1 });
    expect(await viewersWithin(first, 2500)).toEqual([]);
    // A second socket: it gets the count once; the first gets the change once.
    const second = await mustOpen(market.id);
    await second.next("snapshot");
    expect(await viewersWithin(second, 2500)).toEqual([{ type: "viewers", count: 2 }]);
    expect(await viewersWithin(first, 0)).toEqual([{ type: "viewers", count: 2 }]);
    first.close();
    second.close();
  });

  it("sends a viewer on a relay exactly one viewers frame for its connect", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    // RELAY_AFTER is 20 in tests: the 21st viewer is served by a relay.
    const onHub: TestSocket[] = [];
    for (let i = 0; i < 20; i++) onHub.push(await mustOpen(market.id));
    await viewersWithin(onHub[0], 1500);
    const relayed = await mustOpen(market.id);
    await relayed.next("snapshot");
    expect(await viewersWithin(relayed, 2500)).toEqual([{ type: "viewers", count: 21 }]);
    for (const s of [...onHub, relayed]) s.close();
  });
});
