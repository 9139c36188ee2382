// What every subscription (a market's, the book's) does with its connection:
// its state, a liveness probe, a reconnect and a close. The subclass opens the
// connection in its constructor, once its own fields exist.
import type { ConnectionState, SocketConnection } from "./socket-connection.ts";

export abstract class SocketSubscription {
  protected abstract readonly conn: SocketConnection;

  get state(): ConnectionState {
    return this.conn.state;
  }

  /** Is the socket still alive? Reconnects at once when it is down, probes it otherwise. */
  checkLiveness(): void {
    this.conn.checkLiveness();
  }

  /** Drop the socket and connect again now: a market resumes from its last seq, the book rebuilds from its fresh `book` frame. */
  reconnect(): void {
    this.conn.reconnect();
  }

  close(): void {
    this.conn.close();
  }
}
