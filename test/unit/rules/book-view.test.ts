import { describe, expect, it } from "vitest";
import type { Summary } from "../../../worker/protocol/book.ts";
import { nextSendAt, shardIndex, toSummary } from "../../../worker/rules/book-rules.ts";
import { BookView, VIEW_CAP, parseView, viewKey, viewTag } from "../../../worker/rules/book-view.ts";
import { decodeCursor, encodeCursor, parseListQuery } from "../../../worker/rules/market-list.ts";
import { ok } from "../../../worker/rules/result.ts";
import { ErrorCode } from "../../../worker/protocol/codes.ts";
import { wireMarket } from "../../helpers/wire-market.ts";

const summary = (id: string, over: Partial<Summary> = {}): Summary => ({
  id,
  name: "Match odds",
  event: "Reds v Blues",
  status: "open",
  inPlay: false,
  selections: [{ id: "home", name: "Reds", odds: 2 }],
  seq: 0,
  ...over,
});
const bookOf = (...s: Summary[]) => new Map(s.map((x) => [x.id, x]));

describe("a book view", () => {
  it("takes every market not settled or voided, oldest first, up to the cap", () => {
    const markets = Array.from({ length: VIEW_CAP + 2 }, (_, i) => summary(`m-${i}`));
    markets[1] = summary("m-1", { status: "settled", winner: "home" });
    const view = new BookView({ kind: "all" }, bookOf(...markets));
    const first = view.first(bookOf(...markets));
    expect(first.type === "book" && first.markets.length).toBe(VIEW_CAP);
    expect(view.members.has("m-1")).toBe(false);
    expect(view.members.has(`m-${VIEW_CAP}`)).toBe(true);
    expect(view.members.has(`m-${VIEW_CAP + 1}`)).toBe(false);
  });

  it("sends the settled summary, then removed, then admits the next market waiting for room", () => {
    const markets = Array.from({ length: VIEW_CAP + 1 }, (_, i) => summary(`m-${i}`));
    const book = bookOf(...markets);
    const view = new BookView({ kind: "all" }, book);
    const settled = summary("m-0", { status: "settled", winner: "home", seq: 5 });
    book.set("m-0", settled);
    expect(view.apply([settled], book)).toEqual([
      { type: "summary", market: settled },
      { type: "removed", id: "m-0" },
      { type: "added", market: markets[VIEW_CAP] },
    ]);
  });

  it("matches an event case-blind as a substring, and a list of ids whatever their status", () => {
    const a = summary("a", { event: "Reds v BLUES" });
    const b = summary("b", { event: "Greens v Whites" });
    const c = summary("c", { event: "Blues v Greens", status: "voided" });
    const book = bookOf(a, b, c);
    expect([...new BookView({ kind: "event", text: "blues" }, book).members]).toEqual(["a"]);
    expect([...new BookView({ kind: "ids", ids: ["c", "b"] }, book).members].sort()).toEqual(["b", "c"]);
    const view = new BookView({ kind: "event", text: "blues" }, book);
    const d = summary("d", { event: "Blues v Reds" });
    book.set("d", d);
    expect(view.apply([d, { ...b, seq: 1 }], book)).toEqual([{ type: "added", market: d }]);
  });

  it("parses views and gives the same tag to the same view however it is spelled", () => {
    expect(parseView(new URLSearchParams(""))).toEqual(ok({ kind: "all" }));
    expect(parseView(new URLSearchParams("ids=b,a,b"))).toEqual(ok({ kind: "ids", ids: ["a", "b"] }));
    expect(parseView(new URLSearchParams("event=%20Reds%20"))).toEqual(ok({ kind: "event", text: "Reds" }));
    for (const q of ["ids=", "ids=A", "event=", "event=a&ids=b", `ids=${Array.from({ length: 501 }, (_, i) => `m${i}`).join(",")}`]) {
      expect(parseView(new URLSearchParams(q)), q).toMatchObject({ ok: false, code: ErrorCode.INVALID });
    }
    expect(viewKey({ kind: "event", text: "REDS" })).toBe(viewKey({ kind: "event", text: "reds" }));
    expect(viewTag({ kind: "event", text: "REDS" })).toBe(viewTag({ kind: "event", text: "reds" }));
    expect(viewTag({ kind: "all" })).not.toBe(viewTag({ kind: "event", text: "reds" }));
    expect(viewTag({ kind: "ids", ids: Array.from({ length: 500 }, (_, i) => `market-${i}`) }).length).toBeLessThan(32);
  });
});

describe("book rules", () => {
  it("makes a summary of a market with exactly the contract's fields", () => {
    const m = { ...wireMarket(), status: "settled" as const, winner: "home" };
    expect(Object.keys(toSummary(m)).sort()).toEqual(["event", "id", "inPlay", "name", "selections", "seq", "status", "winner"]);
    expect(Object.keys(toSummary(wireMarket())).sort()).toEqual(["event", "id", "inPlay", "name", "selections", "seq", "status"]);
  });

  it("spreads 2,000 markets over 16 shards with none above 160", () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 2000; i++) counts[shardIndex(`bench-${i}`, 16)]++;
    expect(Math.max(...counts)).toBeLessThanOrEqual(160);
    expect(shardIndex("same-id", 16)).toBe(shardIndex("same-id", 16));
  });

  it("sends at once after a quiet gap, otherwise one gap after the last send", () => {
    expect(nextSendAt(0, 1000, 250)).toBe(1000);
    expect(nextSendAt(900, 1000, 250)).toBe(1150);
  });
});

describe("the market list query", () => {
  it("reads repeated status, event, inPlay, limit and cursor", () => {
    const cursor = encodeCursor({ createdAt: 1_700_000_000_000, id: "m-1" });
    const q = parseListQuery(new URLSearchParams(`status=open&status=suspended&event=Reds&inPlay=true&limit=500&cursor=${cursor}`));
    expect(q).toEqual(
      ok({
        statuses: ["open", "suspended"],
        event: "Reds",
        inPlay: true,
        limit: 500,
        after: { createdAt: 1_700_000_000_000, id: "m-1" },
      }),
    );
    expect(parseListQuery(new URLSearchParams(""))).toEqual(ok({ statuses: [], event: null, inPlay: null, limit: 100, after: null }));
  });

  it("refuses what it cannot read, and cursors it did not make", () => {
    for (const q of ["limit=0", "limit=501", "limit=-1", "limit=1.5", "status=gone", "inPlay=1", "event=a&event=b", "cursor=!!", `cursor=${btoa("x.y")}`]) {
      expect(parseListQuery(new URLSearchParams(q)), q).toMatchObject({ ok: false, code: ErrorCode.INVALID });
    }
    expect(decodeCursor(encodeCursor({ createdAt: 5, id: "a-b" }))).toEqual({ createdAt: 5, id: "a-b" });
  });
});
