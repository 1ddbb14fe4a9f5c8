/** Key figures as a grid of labelled values; the value's element holds exactly the figure, for tests and copying. */
import type { ComponentChildren } from "preact";

interface StatProps {
  readonly label: string;
  readonly value: string | number;
  readonly testid: string;
  /** Said after the value, outside its element (a countdown, a note). */
  readonly extra?: ComponentChildren;
  /** Takes two columns, for a long value. */
  readonly wide?: boolean;
}

export const Stat = ({ label, value, testid, extra, wide = false }: StatProps) => (
  <div class={wide ? "stat wide" : "stat"}>
    <dt>{label}</dt>
    <dd>
      <span class="stat-value" data-testid={testid}>
        {value}
      </span>
      {extra !== undefined && <span class="stat-extra">{extra}</span>}
    </dd>
  </div>
);

export const Stats = ({ label, children }: { readonly label: string; readonly children: ComponentChildren }) => (
  <dl class="stats" aria-label={label}>
    {children}
  </dl>
);
