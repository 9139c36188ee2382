import { describe, expect, it } from "vitest";
import { AddressHeader } from "../../worker/platform/object-headers.ts";
import { FLOOD_STRIKES, FRAMES_PER_SECOND, MAX_HELD_BYTES, REPLAY_PAGE_FRAMES, SocketRoom } from "../../worker/platform/socket-room.ts";

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

/** A socket that records what it was sent and how it was closed; `broken` ones throw on send. */
class FakeSocket {
  readonly sent: string[] = [];
  closedWith: number | null = null;
  readonly broken: boolean;
  constructor(broken = false) {
    this.broken = broken;
  }
  send(text: string) {
    if (this.broken) throw new Error("socket gone");
    this.sent.push(text);
  }
  close(code: number) {
    this.closedWith = code;
  }
}

/** Just enough of DurableObjectState for broadcast: the runtime's tag index. */
function roomOf(sockets: FakeSocket[]) {
  const ctx = { getWebSockets: () => sockets as unknown as WebSocket[] } as unknown as DurableObjectState;
  return new SocketRoom(ctx);
}

describe("broadcast", () => {
  it("sends the one string it was given to every socket, not a copy per socket", () => {
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const text = JSON.stringify({ type: "odds", seq: 7, ts: 1, odds: { home: 2.5 } });
    roomOf(sockets).broadcast(text, true);
    for (const s of sockets) {
      expect(s.sent).toHaveLength(1);
      // The same string value the hub serialised once (strings compare by value; the length check rules out extras).
      expect(s.sent[0]).toBe(text);
    }
  });

  it("closes a socket whose send fails with 1011 and still sends to the ones after it", () => {
    const sockets = [new FakeSocket(), new FakeSocket(true), new FakeSocket()];
    roomOf(sockets).broadcast("frame", true);
    expect(sockets[1].closedWith).toBe(1011);
    expect(sockets[0].sent).toEqual(["frame"]);
    expect(sockets[2].sent).toEqual(["frame"]);
    expect(sockets[0].closedWith).toBeNull();
    expect(sockets[2].closedWith).toBeNull();
  });
});

/** Just enough of DurableObjectState for accept and the tag index. */
function taggingRoom() {
  const tagged = new Map<string, WebSocket[]>();
  const ctx = {
    acceptWebSocket: (ws: WebSocket, tags: string[]) => {
      for (const t of tags) tagged.set(t, [...(tagged.get(t) ?? []), ws]);
    },
    getWebSockets: (tag: string) => tagged.get(tag) ?? [],
  } as unknown as DurableObjectState;
  return new SocketRoom(ctx);
}

describe("sockets held per address", () => {
  const upgrade = (address: string | null, max: string) =>
    new Request("https://hub/m", { headers: { ...(address ? { [AddressHeader.ADDRESS]: address } : {}), [AddressHeader.MAX_HELD]: max } });

  it("is full for an address holding its cap of sockets here, and not for another address or an unknown one", () => {
    const room = taggingRoom();
    const attachment = { account: null, canBet: false, connectedAt: 0, conflateMs: 0, expiresAt: null };
    const ws = () => ({ serializeAttachment: () => {} }) as unknown as WebSocket;
    for (let i = 0; i < 2; i++) room.accept(ws(), attachment, "10.0.0.1");
    expect(room.heldFrom(upgrade("10.0.0.1", "3"))).toEqual({ address: "10.0.0.1", full: false });
    room.accept(ws(), attachment, "10.0.0.1");
    expect(room.heldFrom(upgrade("10.0.0.1", "3"))).toEqual({ address: "10.0.0.1", full: true });
    expect(room.heldFrom(upgrade("10.0.0.2", "3")).full).toBe(false);
    expect(room.heldFrom(upgrade(null, "3")).full).toBe(false);
  });
});

describe("a replay sent a page at a time", () => {
  const turn = () => new Promise((r) => setTimeout(r, 0));
  const frames = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `f${from + i}`);

  it("sends the first page at once and the rest a page a turn, with live frames to that socket after the whole replay", async () => {
    const replaying = new FakeSocket();
    const other = new FakeSocket();
    const room = roomOf([replaying, other]);
    const replay = frames(REPLAY_PAGE_FRAMES * 2 + 10);
    room.sendPaged(replaying as unknown as WebSocket, replay);
    expect(replaying.sent).toEqual(replay.slice(0, REPLAY_PAGE_FRAMES));
    // A live frame now: the other socket has it at once, the replaying one only after its replay.
    room.broadcast("live1", true);
    expect(other.sent).toEqual(["live1"]);
    expect(replaying.sent).toHaveLength(REPLAY_PAGE_FRAMES);
    expect(room.heldCount()).toBe(1);
    await turn();
    expect(replaying.sent).toHaveLength(REPLAY_PAGE_FRAMES * 2);
    room.send(replaying as unknown as WebSocket, "reply-to-this-socket");
    await turn();
    await turn();
    expect(replaying.sent).toEqual([...replay, "live1", "reply-to-this-socket"]);
    expect(room.heldCount()).toBe(0);
    // Nothing held any more: sends go straight out.
    room.broadcast("live2", true);
    expect(replaying.sent.at(-1)).toBe("live2");
  });

  it("holds nothing for a replay of one page or less", () => {
    const ws = new FakeSocket();
    const room = roomOf([ws]);
    room.sendPaged(ws as unknown as WebSocket, frames(REPLAY_PAGE_FRAMES));
    expect(room.heldCount()).toBe(0);
    room.broadcast("live", true);
    expect(ws.sent).toEqual([...frames(REPLAY_PAGE_FRAMES), "live"]);
  });

  it("closes with 1013 a socket with more than MAX_HELD_BYTES waiting behind its replay, and forgets what it held", async () => {
    const ws = new FakeSocket();
    const room = roomOf([ws]);
    room.sendPaged(ws as unknown as WebSocket, frames(REPLAY_PAGE_FRAMES + 1));
    const big = "x".repeat(64 * 1024);
    for (let i = 0; i * big.length <= MAX_HELD_BYTES && ws.closedWith === null; i++) room.send(ws as unknown as WebSocket, big);
    expect(ws.closedWith).toBe(1013);
    expect(room.heldCount()).toBe(0);
    await turn();
    expect(ws.sent).toHaveLength(REPLAY_PAGE_FRAMES);
  });

  it("drops what it held for a socket that is closed or whose send fails", async () => {
    const gone = new FakeSocket(true);
    const closed = new FakeSocket();
    const room = roomOf([gone, closed]);
    room.sendPaged(closed as unknown as WebSocket, frames(REPLAY_PAGE_FRAMES * 3));
    room.close(closed as unknown as WebSocket, 1000, "bye");
    expect(room.heldCount()).toBe(0);
    room.sendPaged(gone as unknown as WebSocket, frames(REPLAY_PAGE_FRAMES * 3));
    expect(gone.closedWith).toBe(1011);
    expect(room.heldCount()).toBe(0);
    await turn();
    expect(closed.sent).toHaveLength(REPLAY_PAGE_FRAMES);
  });
});
