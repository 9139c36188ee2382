// The client's address for rate limits: CF-Connecting-IP, which Cloudflare
// (and, locally, the front of `npm start`) sets from the connection itself,
// replacing any value a client sent. Never a header a client can set, such as
// X-Forwarded-For.
export function clientAddress(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? "unknown";
}
