// Cross-Site WebSocket Hijacking defence: a socket upgrade whose Origin is
// present must match an allowed origin exactly, as a whole string. No
// prefix, suffix or pattern: `https://app.example.com.evil.test`, another
// scheme or port, and `null` are all refused.
export function originAllowed(origin: string | null, allowed: string[], ownOrigin: string): boolean {
  if (origin === null) return true; // Non-browser clients send none; they carry their own credentials.
  const list = allowed.length > 0 ? allowed : [ownOrigin];
  return list.includes(origin);
}
