// Who watches: the viewer count (at most one a second to each socket, and a
// new socket gets its count once, not again from the broadcast its own
// connect causes), and the cap on sockets one address holds.
import { describe, expect, it } from "vitest";
import { AddressHeader } from "../../worker/platform/object-headers.ts";
import { type TestSocket, adminSession, createMarket, mustOpen } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

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

describe("sockets held per address", () => {
  it("refuses a socket from an address that holds its cap on the hub with 429, and takes one from another address", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    // The Worker sets these headers from the client's address and MAX_HELD_SOCKETS_PER_ADDRESS; here the cap is 2.
    const open = (address: string) =>
      hubStub(market.id).fetch(
        new Request(`https://hub/${market.id}`, { headers: { Upgrade: "websocket", [AddressHeader.ADDRESS]: address, [AddressHeader.MAX_HELD]: "2" } }),
      );
    const held = [await open("10.9.9.9"), await open("10.9.9.9")];
    expect(held.map((r) => r.status)).toEqual([101, 101]);
    for (const r of held) r.webSocket!.accept();
    const third = await open("10.9.9.9");
    expect(third.status).toBe(429);
    expect((await third.json()) as unknown).toMatchObject({ error: { code: "RATE_LIMITED" } });
    const other = await open("10.9.9.8");
    expect(other.status).toBe(101);
    other.webSocket!.accept();
    for (const r of [...held, other]) r.webSocket!.close(1000, "done");
  });
});
