// A WebSocket stand-in for SDK tests, driven by the test: it records what the
// client sends and opens, delivers and drops on command, so every edge of a
// subscription's life is reached on purpose.
/** The WebSocket surface the subscriptions use, scripted by the test. */
export class ScriptedSocket {
  static opened: ScriptedSocket[] = [];
  readonly url: URL;
  readonly sent: string[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closedByClient = false;

  constructor(url: string) {
    this.url = new URL(url);
    ScriptedSocket.opened.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // ---- driven by the test ----
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(frame: unknown) {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

/** The next socket the subscription opens (it may open it after a timer). */
export async function nextSocket(count: number, timeoutMs = 2000): Promise<ScriptedSocket> {
  const deadline = Date.now() + timeoutMs;
  while (ScriptedSocket.opened.length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for socket ${count}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return ScriptedSocket.opened[count - 1];
}

