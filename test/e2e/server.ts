// The server for browser and load tests: `npm start` itself (through the
// shared launcher), on storage in a directory the test owns so a restart
// keeps every market and balance, as its own process group.
import { join } from "node:path";
import { ROOT, type SpawnedServer, spawnServer } from "../../scripts/server/launch.ts";

export { ROOT };

export interface ServerOptions {
  port: number;
  stateDir: string;
  vars: Record<string, string>;
  /** More environment for the start script (e.g. MAX_CONNECTIONS_PER_ADDRESS). */
  env?: Record<string, string>;
}

export class DevServer {
  readonly url: string;
  readonly #opts: ServerOptions;
  #server: SpawnedServer | null = null;

  constructor(opts: ServerOptions) {
    this.#opts = opts;
    this.url = `http://127.0.0.1:${opts.port}`;
  }

  async start(): Promise<void> {
    const { port, stateDir, vars, env } = this.#opts;
    // The tests build the client once themselves.
    this.#server = await spawnServer({ port, stateDir: join(stateDir, "state"), vars, env, buildClient: false });
  }

  /** Stop the server (its whole process group), as a crash or a restart would. */
  async stopWorker(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    await s?.stop();
  }

  async stop(): Promise<void> {
    await this.stopWorker();
  }
}
