// The Hono environment shared by the app and its routes.
import type { SessionClaims } from "./tokens.ts";
import type { Config } from "../config.ts";

export type AppEnv = {
  Bindings: Env;
  /** `valid`: what the route middleware checked (read it with `valid(c, spec)`). */
  Variables: { config: Config; requestId: string; session: SessionClaims; valid: unknown };
};
