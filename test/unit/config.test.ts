import { describe, expect, it } from "vitest";
import { MissingSecret, configOf, signingSecret } from "../../worker/config.ts";

const envOf = (vars: Record<string, string>) => vars as unknown as Env;

describe("configuration", () => {
  it("fails closed without secrets: no admin key, no signing secret", () => {
    const config = configOf(envOf({}));
    expect(config.adminKey).toBeNull();
    expect(config.sessionSecret).toBeNull();
    expect(() => signingSecret(config)).toThrow(MissingSecret);
    expect(configOf(envOf({ ADMIN_KEY: "short", SESSION_SECRET: "short" }))).toMatchObject({ adminKey: null, sessionSecret: null });
  });

  it("reads origins, limits and the relay threshold, ignoring nonsense", () => {
    const config = configOf(
      envOf({ ADMIN_KEY: "an-admin-key", SESSION_SECRET: "a-long-secret", ALLOWED_ORIGINS: " https://a.example , https://b.example,", RATE_SOCKETS_PER_10S: "abc", RELAY_AFTER: "100" }),
    );
    expect(config.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.socketsPer10s).toBe(300);
    expect(config.sessionsPer10s).toBe(60);
    expect(config.relayAfter).toBe(100);
    expect(signingSecret(config)).toBe("a-long-secret");
  });
});
