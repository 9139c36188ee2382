// What the hub's money workers (the bet desk, settlement) are given alike:
// its store, the wallets, a way to tell an account's sockets, and the named
// fault points tests crash at.
import type { FaultPoint } from "../platform/fault-points.ts";
import type { ServerFrame } from "../protocol/schemas.ts";
import type { AccountId } from "../protocol/units.ts";
import type { HubStore } from "./hub-store.ts";
import type { WalletPort } from "./wallet-port.ts";

export interface MoneyParts {
  store: HubStore;
  wallets: WalletPort;
  /** Send a frame to every socket of one account on this market. */
  notify: (account: AccountId, frame: ServerFrame) => void;
  /** Named points where tests inject a crash (see fault-points.ts); a no-op otherwise. */
  checkpoint: (name: FaultPoint) => Promise<void>;
}
