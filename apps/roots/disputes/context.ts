/**
 * What every dispute command is given (the contracts, the sender, where to read content) and its flags.
 */
import { type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { isLocalNetwork } from "../../../config/parameters";
import type { HistorySource } from "../../../src/chain/logs";
import type { WeftSystem } from "../../../src/deploy/system";
import { UserError } from "../../../src/errors";
import type { ContentStoreConfig } from "../../../src/store/factory";

type Contracts = Pick<WeftSystem, "AccessManager" | "DisputeManager" | "JobEscrow" | "ComputeToken">;

/** Everything a dispute command needs: the contracts, who sends, and where to read from. */
export interface DisputeContext {
  readonly system: Contracts;
  readonly signer: Signer;
  /** Where job and dispute events are read. */
  readonly history: HistorySource;
  readonly fetchConfig?: ContentStoreConfig;
  /** The network's name, for the commands a message suggests. */
  readonly network?: string;
  /**
   * Mines one block (local networks: evm_mine). A proof is revealed in a later block than its commit; a local node
   * that mines only on transactions would otherwise never produce one.
   */
  readonly mineBlock?: () => Promise<unknown>;
  /** How often to look for a new block while waiting for one, in milliseconds (default 2,000). */
  readonly pollMs?: number;
  /** How long to wait for a new block before giving up, in milliseconds (default 300,000). */
  readonly blockTimeoutMs?: number;
}

/** The context of a task: the connected system, the signer, the store's gateway and, on local networks, a miner. */
export function disputeContext(
  hre: HardhatRuntimeEnvironment,
  loaded: { readonly system: Contracts; readonly signer: Signer; readonly history: HistorySource },
  fetchConfig?: ContentStoreConfig,
): DisputeContext {
  return {
    system: loaded.system,
    signer: loaded.signer,
    history: loaded.history,
    fetchConfig,
    network: hre.network.name,
    mineBlock: isLocalNetwork(hre.network.name) ? () => hre.network.provider.send("evm_mine", []) : undefined,
  };
}

export const DISPUTE_PATHS = ["proof", "withheld", "arbitration"] as const;
export type DisputePath = (typeof DISPUTE_PATHS)[number];

export function parseDisputePath(text: string): DisputePath {
  const path = DISPUTE_PATHS.find((p) => p === text);
  if (path === undefined) throw new UserError(`--path must be one of ${DISPUTE_PATHS.join(", ")}; got "${text}".`);
  return path;
}

/** A --job id given on the command line. */
export function parseJobFlag(text: string): bigint {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n) {
    throw new UserError(`--job must be a job id (1, 2, ...); got "${text}". List jobs with npx hardhat job:status.`);
  }
  return BigInt(text);
}

/** A --dispute id given on the command line. */
export function parseDisputeFlag(text: string): bigint {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n) {
    throw new UserError(
      `--dispute must be a dispute id (1, 2, ...); got "${text}". List disputes with npx hardhat dispute:list (--job <id> for one job).`,
    );
  }
  return BigInt(text);
}

/** --fault yes|no: whether the provider is at fault. */
export function parseFault(text: string): boolean {
  if (text !== "yes" && text !== "no") throw new UserError(`--fault must be yes or no; got "${text}".`);
  return text === "yes";
}

/** What dispute:status shows: every dispute of a job, or one dispute. */
export type StatusTarget = { readonly jobId: bigint } | { readonly disputeId: bigint };

export function parseStatusTarget(job: string | undefined, dispute: string | undefined): StatusTarget {
  if ((job === undefined) === (dispute === undefined)) {
    throw new UserError("Pass either --job <id> (every dispute of a job) or --dispute <id> (one dispute).");
  }
  return job !== undefined ? { jobId: parseJobFlag(job) } : { disputeId: parseDisputeFlag(dispute!) };
}
