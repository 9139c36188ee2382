// Hash routes: #/ (markets), #/market/<id>, #/bets, #/account, #/trader. Hash routing
// needs no server rewrite and keeps every route a static page.
import { signal } from "@preact/signals";

export type Route =
  | { name: "markets" }
  | { name: "market"; id: string }
  | { name: "bets" }
  | { name: "account" }
  | { name: "trader" };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const market = path.match(/^\/market\/([a-z0-9][a-z0-9-]{0,63})$/);
  if (market) return { name: "market", id: market[1] };
  if (path === "/bets") return { name: "bets" };
  if (path === "/account") return { name: "account" };
  if (path === "/trader") return { name: "trader" };
  return { name: "markets" };
}

export const href = {
  markets: "#/",
  market: (id: string) => `#/market/${id}`,
  bets: "#/bets",
  account: "#/account",
  trader: "#/trader",
};

export class Router {
  readonly route = signal<Route>(parseRoute(location.hash));

  constructor() {
    addEventListener("hashchange", () => {
      this.route.value = parseRoute(location.hash);
      scrollTo(0, 0);
    });
  }
}
