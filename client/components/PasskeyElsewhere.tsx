// In place of the passkey buttons on a page opened at an IP address (where
// WebAuthn refuses to run): a link to the same page on localhost, saying why.
import type { passkeySite } from "../models/passkey-site.ts";

export function PasskeyElsewhere({ site, testId }: { site: NonNullable<ReturnType<typeof passkeySite>>; testId: string }) {
  return (
    <a class="btn btn-ghost passkey-elsewhere" href={site.url} data-testid={testId}>
      Passkeys need {site.origin}/ — open the app there
    </a>
  );
}
