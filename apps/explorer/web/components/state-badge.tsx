/** A state as a small coloured label; the colour only repeats what the word says. */
export const StateBadge = ({ state, testid }: { readonly state: string; readonly testid?: string }) => (
  <span class="badge" data-state={state} data-testid={testid}>
    {state}
  </span>
);
