// What every socket upgrade passes before any object is touched, the market
// socket's and the book socket's alike: the Origin (exact match, against
// Cross-Site WebSocket Hijacking), the Upgrade header, and the address's
// budget of socket opens. Answers the headers that carry the client's address
// and its cap of held sockets to the object that accepts the socket.
import type { Context } from "hono";
import { ErrorCode, fail } from "../errors.ts";
import { clientAddress } from "./client-address.ts";
import type { AppEnv } from "./context.ts";
import { originAllowed } from "./origin.ts";
import { AddressHeader } from "../platform/object-headers.ts";
import { allow } from "./stubs.ts";

export async function admitSocketOpen(c: Context<AppEnv>): Promise<Record<string, string>> {
  const config = c.get("config");
  const req = c.req.raw;
  if (!originAllowed(req.headers.get("origin"), config.allowedOrigins, new URL(req.url).origin)) {
    fail(ErrorCode.FORBIDDEN, "origin not allowed");
  }
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") fail(ErrorCode.INVALID, "expected a WebSocket upgrade");
  const address = clientAddress(req);
  if (!(await allow(c.env, address, "socket", config.socketsPer10s))) {
    fail(ErrorCode.RATE_LIMITED, "too many socket opens from this address");
  }
  return { [AddressHeader.ADDRESS]: address, [AddressHeader.MAX_HELD]: String(config.maxHeldPerAddress) };
}
