/** Disputes as the off-chain code reads them. */

/** IDisputeManager.DisputeStatus by name. */
export const DisputeStatus = {
  None: 0,
  AwaitingReveal: 1,
  Revealed: 2,
  AwaitingRuling: 3,
  ProviderAtFault: 4,
  NoFault: 5,
} as const;

export function disputeStatusName(status: number): string {
  return Object.entries(DisputeStatus).find(([, value]) => value === status)?.[0] ?? `Unknown(${status})`;
}

/** IDisputeManager.DisputeKind by name. */
export const DisputeKind = { None: 0, Proof: 1, Withheld: 2, Arbitration: 3 } as const;

export function disputeKindName(kind: number): string {
  return Object.entries(DisputeKind).find(([, value]) => value === kind)?.[0] ?? `Unknown(${kind})`;
}
