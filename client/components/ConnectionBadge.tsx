// The state of a market socket (or of all of them), in words and colour.
import { useComputed, type ReadonlySignal } from "@preact/signals";
import type { UiConnection } from "../models/live-market.ts";

const WORDS: Record<UiConnection, string> = {
  idle: "Offline",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  stale: "Stale: prices may be out of date",
  closed: "Disconnected",
};

interface Props {
  state: ReadonlySignal<UiConnection>;
  testId: string;
  /** Only one badge on the page should speak to screen readers. */
  announce?: boolean;
}

export function ConnectionBadge({ state, testId, announce = false }: Props) {
  const cls = useComputed(() => `conn conn-${state.value}`);
  const words = useComputed(() => WORDS[state.value]);
  return (
    <span class={cls} data-testid={testId} data-state={state} aria-live={announce ? "polite" : undefined}>
      <span class="conn-dot" aria-hidden="true" />
      {words}
    </span>
  );
}
