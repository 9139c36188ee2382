import { describe, expect, it, vi } from "vitest";
import { MissingSecret, configOf, signingSecret, weakSecrets } from "../../worker/config.ts";
import { log, setLogLevel } from "../../worker/log.ts";

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

  it("refuses secrets under 32 characters anywhere but the local server of npm start", () => {
    const long = "x".repeat(32);
    const short = "x".repeat(31);
    expect(weakSecrets(envOf({ ADMIN_KEY: long, SESSION_SECRET: long }))).toBeNull();
    expect(weakSecrets(envOf({ ADMIN_KEY: short, SESSION_SECRET: long }))).toMatch(/^ADMIN_KEY is shorter than 32/);
    expect(weakSecrets(envOf({ ADMIN_KEY: long, SESSION_SECRET: short }))).toMatch(/^SESSION_SECRET is shorter than 32/);
    // The launcher's per-start FRONT_KEY marks the local server; nothing a client sends does.
    expect(weakSecrets(envOf({ ADMIN_KEY: short, SESSION_SECRET: short, FRONT_KEY: "k".repeat(43) }))).toBeNull();
  });

  it("takes LOG_LEVEL info, warn or error, falls back to info, and writes nothing below it", () => {
    expect(configOf(envOf({})).logLevel).toBe("info");
    expect(configOf(envOf({ LOG_LEVEL: "warn" })).logLevel).toBe("warn");
    expect(configOf(envOf({ LOG_LEVEL: "debug" })).logLevel).toBe("info");
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      setLogLevel("warn");
      log.info("quiet");
      log.warn("loud");
      expect(out).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledTimes(1);
      setLogLevel("info");
      log.info("heard");
      expect(out).toHaveBeenCalledTimes(1);
    } finally {
      setLogLevel("info");
      out.mockRestore();
      warn.mockRestore();
    }
  });
});
