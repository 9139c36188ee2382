// Passkey routes (an addition to the contract, which leaves passkeys' routes to
// the project): register a new account or log in with a passkey, and add one
// to a registered account. Each ceremony is two calls: options (a challenge),
// then the credential the browser made with them.
import { Hono } from "hono";
import * as v from "valibot";
import { AccountSchema } from "../../protocol/schemas.ts";
import * as p from "../../protocol/passkeys.ts";
import type { AppEnv } from "../context.ts";
import { addOptions, addPasskey, loginOptions, passkeyLogin, passkeysOf, registerOptions, registerWithPasskey } from "../passkey-sessions.ts";
import { type RouteSpec, route, valid } from "../route.ts";
import { sessionBudget } from "./session.ts";

const Opened = { status: 201, description: "Session opened", schema: v.object({ token: v.string(), account: AccountSchema }) } as const;
const Creation = { status: 200, description: "Options for navigator.credentials.create(); the challenge is good for 5 minutes, once", schema: p.CreationOptionsAnswer } as const;

const RegisterOptions = {
  summary: "Options to register a new account with a passkey (no password); 409 NAME_TAKEN if the name is an account's",
  body: p.PasskeyRegisterOptionsBody,
  answer: Creation,
  refusals: [409, 429],
} satisfies RouteSpec;
const Register = {
  summary: "Register the account with the passkey the browser made, and open its first session; 400 INVALID if the passkey fails a check",
  body: p.PasskeyRegisterBody,
  answer: { ...Opened, description: "Account registered, session opened" },
  refusals: [409, 429],
} satisfies RouteSpec;
const LoginOptions = {
  summary: "Options to log in with a passkey: a challenge; the passkey itself names the account",
  answer: { status: 200, description: "Options for navigator.credentials.get(); the challenge is good for 5 minutes, once", schema: p.RequestOptionsAnswer },
  refusals: [429],
} satisfies RouteSpec;
const Login = {
  summary: "Log in with a passkey: 201 as a password login; any failed check is 401 UNAUTHENTICATED; a self-excluded account 403 SELF_EXCLUDED",
  body: p.PasskeyLoginBody,
  answer: Opened,
  refusals: [401, 403, 429],
} satisfies RouteSpec;
const List = {
  summary: "The passkeys of the session's registered account (403 for a guest)",
  who: "punter",
  answer: { status: 200, description: "Passkeys: ids and dates", schema: p.PasskeysAnswer },
} satisfies RouteSpec;
const AddOptions = {
  summary: "Options to add a passkey to the session's registered account (403 for a guest)",
  who: "punter",
  answer: Creation,
} satisfies RouteSpec;
const Add = {
  summary: "Add the passkey the browser made to the session's registered account; 400 INVALID if it fails a check",
  who: "punter",
  body: p.PasskeyAddBody,
  answer: { status: 201, description: "Passkey added", schema: p.PasskeyAnswer },
} satisfies RouteSpec;

export const passkeyRoutes = new Hono<AppEnv>()
  .post("/passkeys/register/options", sessionBudget, route(RegisterOptions), async (c) => c.json(await registerOptions(c, valid(c, RegisterOptions).body.name)))
  .post("/passkeys/register", sessionBudget, route(Register), async (c) => {
    const { name, credential } = valid(c, Register).body;
    return c.json(await registerWithPasskey(c, name, credential), 201);
  })
  .post("/passkeys/login/options", sessionBudget, route(LoginOptions), async (c) => c.json(await loginOptions(c)))
  .post("/passkeys/login", sessionBudget, route(Login), async (c) => c.json(await passkeyLogin(c, valid(c, Login).body.credential), 201))
  .get("/me/passkeys", route(List), async (c) => c.json({ passkeys: await passkeysOf(c, c.get("session")) }))
  .post("/me/passkeys/options", route(AddOptions), async (c) => c.json(await addOptions(c, c.get("session"))))
  .post("/me/passkeys", route(Add), async (c) => c.json({ passkey: await addPasskey(c, c.get("session"), valid(c, Add).body.credential) }, 201));
