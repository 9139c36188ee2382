// Account names: unique without regard to case or Unicode spelling. Two names
// are the same account when their NFC forms fold to the same lower case; the
// account's object is named by a SHA-256 of that folded form, so every
// spelling reaches the one object that decides, and no object is global.

/** The name as shown: NFC, trimmed. */
export const displayName = (name: string): string => name.normalize("NFC").trim();

/**
 * The name as compared: NFC, then upper then lower case (closer to full case
 * folding than lower case alone: "Straße" and "STRASSE" are one name), then
 * NFC again, since case mapping can leave a string unnormalised.
 */
export const foldedName = (name: string): string => displayName(name).toUpperCase().toLowerCase().normalize("NFC");

/** The account object's name for `name`: hex SHA-256 of the folded name. */
export async function accountKey(name: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(foldedName(name)));
  return `acct-${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
