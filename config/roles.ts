/**
 * AccessManager role ids: the one definition that deploy code, fixtures and tests share.
 * Role 0 is OpenZeppelin's ADMIN_ROLE; after deployment only the timelock holds it.
 */
export const Roles = {
  ADMIN: 0n,
  /** Sets every governed parameter: the timelock. */
  PARAMETERS: 1n,
  /** Locks and unlocks collateral, updates reputation, records work: the JobEscrow. */
  ESCROW: 2n,
  /** Slashes, jails and resolves jobs: the DisputeManager. */
  DISPUTES: 3n,
  /** Mints ComputeToken: the RewardDistributor. */
  MINTER: 4n,
  /** Rules on disputes that have no on-chain checker: granted by the DAO. */
  ARBITER: 5n,
  /** Pauses new jobs at once (unpausing is a DAO vote): granted by the DAO. */
  GUARDIAN: 6n,
} as const;

export type RoleName = keyof typeof Roles;
