import { describe, expect, it } from "vitest";
import { FLOOD_STRIKES, FRAMES_PER_SECOND, SocketRoom } from "../../worker/market/socket-room.ts";

// admit() only needs the socket as a key; the room's other methods are not used here.
const room = () => new SocketRoom({} as DurableObjectState);
const socket = () => ({}) as WebSocket;

describe("the per-socket frame limit", () => {
  it("admits 20 frames in any second and refuses the 21st", () => {
    const r = room();
    const ws = socket();
    for (let i = 0; i < FRAMES_PER_SECOND; i++) expect(r.admit(ws, 1000 + i)).toBe("ok");
    expect(r.admit(ws, 1500)).toBe("limited");
    expect(r.admit(ws, 1999)).toBe("limited");
    // One second after the first frame, one more fits.
    expect(r.admit(ws, 2000)).toBe("ok");
    expect(r.admit(ws, 2000)).toBe("limited");
  });

  it("never refuses a client that paces itself at 20 a second", () => {
    const r = room();
    const ws = socket();
    for (let i = 0; i < 200; i++) expect(r.admit(ws, i * 50)).toBe("ok");
  });

  it("calls a socket that keeps pushing past the limit a flood", () => {
    const r = room();
    const ws = socket();
    for (let i = 0; i < FRAMES_PER_SECOND; i++) r.admit(ws, 0);
    const answers = Array.from({ length: FLOOD_STRIKES + 1 }, () => r.admit(ws, 10));
    expect(answers.slice(0, FLOOD_STRIKES).every((a) => a === "limited")).toBe(true);
    expect(answers.at(-1)).toBe("flooding");
  });

  it("keeps each socket's budget apart", () => {
    const r = room();
    const a = socket();
    const b = socket();
    for (let i = 0; i < FRAMES_PER_SECOND; i++) r.admit(a, 0);
    expect(r.admit(a, 1)).toBe("limited");
    expect(r.admit(b, 1)).toBe("ok");
  });
});
