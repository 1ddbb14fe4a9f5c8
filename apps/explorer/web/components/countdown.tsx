/** A moment on the chain's clock counting down live: "in 4 min 10 s", "ended 2 min ago", the UTC time in the title. */
import type { Moment } from "../../../../src/explorer/api";
import { useChainNow } from "../clock";
import { isoOf, relative } from "../format";

interface CountdownProps {
  readonly at: Moment;
  /** The word before "… ago" once passed; "" when the label around already says it ("voting ended"). */
  readonly pastWord?: string;
  /** Also print the UTC time after the countdown. */
  readonly withUtc?: boolean;
}

export function Countdown({ at, pastWord = "ended", withUtc = false }: CountdownProps) {
  const now = useChainNow();
  const text = now === undefined ? at.utc : relative(at.unix, now, pastWord);
  return (
    <time class="countdown" dateTime={isoOf(at.unix)} title={at.utc}>
      {text}
      {withUtc && now !== undefined && <span class="muted"> ({at.utc})</span>}
    </time>
  );
}

/** A moment as its UTC text in a `<time>`. */
export function Utc({ at }: { readonly at: Moment }) {
  return <time dateTime={isoOf(at.unix)}>{at.utc}</time>;
}
