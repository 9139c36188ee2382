// The one piece of `cloudflare:workers` the client tests use, typed for the
// client's (DOM) compiler settings: the Worker's own fetch, whose upgrade
// answer carries the server side's socket.
declare module "cloudflare:workers" {
  export const exports: {
    default: { fetch(request: Request): Promise<Response & { webSocket: (WebSocket & { accept(): void }) | null }> };
  };
}
