// Versioned schema migrations: a store written before versions existed is
// brought up to date in place, keeping its rows; storage written by newer
// code is refused rather than misread.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketHub } from "../../worker/hub/market-hub.ts";
import { MIGRATIONS } from "../../worker/hub/hub-store.ts";
import { migrate } from "../../worker/platform/sql-store.ts";
import { adminSession, call, createMarket, punterSession } from "../helpers/api.ts";
import { hubStub } from "../helpers/money.ts";

describe("schema migrations", () => {
  it("brings a hub stored before schema versions up to date, keeping its bets and reading them as asked under count 0", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    const punter = await punterSession();
    const placed = await call("POST", `/api/markets/${market.id}/bets`, { token: punter.token, body: { id: "before-versions-1", selectionId: "home", stake: 1000, odds: 2.5 } });
    expect(placed.json.status).toBe("accepted");
    const after = await runInDurableObject(hubStub(market.id), (hub: MarketHub, state) => {
      const sql = state.storage.sql;
      // Back to the first schema, as a hub stored before versions existed has it.
      sql.exec("DROP INDEX bets_phase_order; DROP INDEX bets_account_status; ALTER TABLE bets DROP COLUMN asked_under; DROP TABLE schema_version;");
      const applied = migrate(state.storage, MIGRATIONS);
      const version = sql.exec("SELECT version FROM schema_version").toArray()[0].version;
      return { applied, version, bets: hub.store.allBets().map((b) => [b.id, b.status, b.askedUnder]) };
    });
    expect(after).toEqual({ applied: MIGRATIONS.length, version: MIGRATIONS.length, bets: [["before-versions-1", "accepted", 0]] });
    // Applying again changes nothing.
    await runInDurableObject(hubStub(market.id), (_hub: MarketHub, state) => expect(migrate(state.storage, MIGRATIONS)).toBe(MIGRATIONS.length));
  });

  it("refuses storage written by a newer schema than the code knows", async () => {
    const admin = await adminSession();
    const market = await createMarket(admin);
    await runInDurableObject(hubStub(market.id), (_hub: MarketHub, state) => {
      state.storage.sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length + 1);
      expect(() => migrate(state.storage, MIGRATIONS)).toThrow(/newer than this code/);
      state.storage.sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length);
    });
  });
});
