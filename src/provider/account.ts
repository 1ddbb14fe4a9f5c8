/**
 * What the provider agent knows of its own account: its registry record (stake, locked collateral, debt, jail) and
 * its signer's gas balance, shown as gauges without a read per tick. The record is read at most once per tick, when
 * a job needs it (the free stake before accepting, why the registry refuses jobs), again at the end of a tick in which
 * one of its jobs ended or was slashed (its stake moved), and otherwise once a minute; the gas balance once a minute.
 */
import { formatEther } from "ethers";

import type { ProviderMetrics } from "./metrics";

/** What the agent keeps of the registry's providerState. */
export interface AccountRecord {
  readonly registered: boolean;
  readonly staked: bigint;
  readonly locked: bigint;
  readonly debt: bigint;
  readonly jailedUntil: bigint;
}

/** The reads behind the account, each retried as the agent's reads are. */
export interface AccountReads {
  record(): Promise<AccountRecord>;
  gasBalance(): Promise<bigint>;
}

/** The gauges are at most this old when nothing else reads the record, and the gas balance is read this often. */
export const ACCOUNT_GAUGES_MAX_AGE_MS = 60_000;

export class ProviderAccount {
  /** The record as read in this tick, if it was. */
  private thisTick: AccountRecord | undefined;
  /** The last record read, or updated by this agent's own acceptances. */
  private last: AccountRecord | undefined;
  private readAt = -Infinity;
  private gasReadAt = -Infinity;
  /** One of this provider's jobs ended or was slashed since the last read. */
  private moved = false;
  /** The chain time of the tick, against which the jail is shown. */
  private now = 0n;

  constructor(
    private readonly reads: AccountReads,
    private readonly metrics: ProviderMetrics,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A new tick at chain time `now`: the next `recordOnce` reads again. */
  startTick(now: bigint): void {
    this.now = now;
    this.thisTick = undefined;
  }

  /** The record, read at most once per tick. */
  async recordOnce(): Promise<AccountRecord> {
    return (this.thisTick ??= await this.read());
  }

  /** The record read now (a slash: the jail it set). */
  async read(): Promise<AccountRecord> {
    // A plain copy: the contract's answer is an ethers Result, whose named fields a spread would lose.
    const { registered, staked, locked, debt, jailedUntil } = await this.reads.record();
    const record: AccountRecord = { registered, staked, locked, debt, jailedUntil };
    this.thisTick = record;
    this.readAt = this.clock();
    this.moved = false;
    this.show(record);
    return record;
  }

  /** One of this provider's jobs ended: its stake or locked collateral changed. */
  stakeMoved(): void {
    this.moved = true;
  }

  /** This agent's acceptance locked `collateral`: shown at once, without a read. */
  locked(collateral: bigint): void {
    if (this.last !== undefined) this.show({ ...this.last, locked: this.last.locked + collateral });
  }

  /** The end of a tick: reads what is due (see the module comment); throws if a read fails. */
  async refresh(): Promise<void> {
    const now = this.clock();
    const old = this.thisTick === undefined && now - this.readAt >= ACCOUNT_GAUGES_MAX_AGE_MS;
    if (this.moved || old) await this.read();
    else if (this.last !== undefined) this.show(this.last); // The jail may have ended.
    if (now - this.gasReadAt >= ACCOUNT_GAUGES_MAX_AGE_MS) {
      const balance = await this.reads.gasBalance();
      this.gasReadAt = now;
      this.metrics.gasBalance.set(Number(formatEther(balance)));
    }
  }

  private show(record: AccountRecord): void {
    this.last = record;
    this.metrics.stake.set(Number(formatEther(record.staked)));
    this.metrics.lockedCollateral.set(Number(formatEther(record.locked)));
    this.metrics.jailedUntil.set(record.jailedUntil > this.now ? Number(record.jailedUntil) : 0);
  }
}
