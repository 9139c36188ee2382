// WebAuthn takes a domain as the site a passkey belongs to, never an IP
// address: on http://127.0.0.1:PORT every passkey ceremony fails. The page
// then points at the same page on localhost, where passkeys work.

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Where passkeys work when this page cannot use them: the same page on localhost; null on a domain. */
export function passkeySite(where: Pick<Location, "protocol" | "hostname" | "port" | "pathname" | "search" | "hash"> = location): { url: string; origin: string } | null {
  const host = where.hostname;
  if (!IPV4.test(host) && !host.startsWith("[")) return null;
  const origin = `${where.protocol}//localhost${where.port ? `:${where.port}` : ""}`;
  return { origin, url: `${origin}${where.pathname}${where.search}${where.hash}` };
}
