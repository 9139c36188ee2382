// A minimal admin HTTP client for the start script and the feed tool:
// contract errors become exceptions with the server's code and message.
export class AdminClient {
  readonly base: string;
  token = "";

  constructor(base: string) {
    this.base = base.replace(/\/$/, "");
  }

  async login(adminKey: string, name = "feed"): Promise<void> {
    const r = await this.request("POST", "/api/session", { name, adminKey });
    this.token = r.token;
  }

  async request(method: string, path: string, body?: unknown): Promise<any> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: any = await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error(`${method} ${path}: ${res.status} ${json?.error?.code ?? ""} ${json?.error?.message ?? ""}`.trim());
      (err as Error & { status: number; code?: string }).status = res.status;
      (err as Error & { status: number; code?: string }).code = json?.error?.code;
      throw err;
    }
    return json;
  }
}
