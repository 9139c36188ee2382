// The answers of the wallet's account routes (contract, "Accounts that last"):
// the server's own schemas (worker/protocol/wallet.ts) under the SDK's names,
// so the client reads exactly what the server writes.
import type * as v from "valibot";
import { BalanceSchema, LimitsBody, LimitsSchema, type Statement, StatementEntrySchema, StatementSchema } from "../../worker/protocol/wallet.ts";

export { BalanceSchema as BalanceAnswer, LimitsSchema as LimitsAnswer, StatementSchema as StatementAnswer };

export type StatementEntry = v.InferOutput<typeof StatementEntrySchema>;
export type StatementPage = Statement;
/** The limits to ask for: a limit left out or null asks for none. */
export type Limits = v.InferOutput<typeof LimitsBody>;
export type LimitName = keyof Limits;
export type LimitsState = v.InferOutput<typeof LimitsSchema>;
