// Every model of the app, built once and wired together: the book socket and
// the open market's socket feed the wallet, the bet slip and "my bets". Components get it through context.
import { effect } from "@preact/signals";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { BetSlip } from "./bet-slip.ts";
import { CashOuts } from "./cash-outs.ts";
import { Lobby } from "./lobby.ts";
import { MyBets } from "./my-bets.ts";
import { MultipleSlip } from "./multiple-slip.ts";
import { MyMultiples } from "./my-multiples.ts";
import { Preferences } from "./preferences.ts";
import { Router } from "./router.ts";
import { Session } from "./session.ts";
import { Trader } from "./trader.ts";

export class AppModel {
  readonly router = new Router();
  readonly prefs = new Preferences();
  readonly session = new Session();
  readonly myBets = new MyBets(this.session);
  // A bet answered over HTTP (a market whose own socket is not open) brings no balance frame: ask for the account.
  readonly slip = new BetSlip(this.session, this.prefs, () => {
    this.myBets.refreshSoon();
    void this.session.refresh();
  });
  readonly myMultiples = new MyMultiples(this.session);
  readonly multiple = new MultipleSlip(this.slip, this.session, this.prefs, () => {
    void this.myMultiples.refresh();
    void this.session.refresh();
  });
  readonly lobby = new Lobby(this.session, {
    bet: (frame) => {
      this.slip.onReply(frame);
      // A bet taken is an open bet to list (with its Cash out); the wallet records it a moment after the answer.
      if (frame.status === "accepted") for (const ms of [300, 1_500]) setTimeout(() => void this.myBets.refresh(), ms);
    },
    balance: (balance, asOf) => this.session.setBalance(balance, asOf),
    // From the market's own socket or, for the others, the book's summary; balances move a moment later.
    settled: () => {
      this.myBets.afterSettlement();
      this.myMultiples.afterSettlement();
      setTimeout(() => void this.session.refresh(), 1_500);
    },
    // Session.refresh logs out on a 401; the new (empty) token reconnects every socket as a viewer.
    unauthorized: () => void this.session.refresh(),
    cashOut: (frame) => this.cashOuts.onReply(frame),
  });
  readonly cashOuts: CashOuts = new CashOuts(this.session, this.lobby, () => {
    this.myBets.refreshSoon();
    void this.session.refresh();
  });
  readonly trader = new Trader(this.session, this.lobby);

  constructor() {
    // A phone's slip sheet belongs to the page it was opened on: a new page starts with it closed.
    effect(() => {
      void this.router.route.value;
      this.slip.sheetOpen.value = false;
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.session.refresh(), this.lobby.start()]);
  }
}

export const AppContext = createContext<AppModel | null>(null);

export function useApp(): AppModel {
  const app = useContext(AppContext);
  if (!app) throw new Error("useApp outside <AppContext.Provider>");
  return app;
}
