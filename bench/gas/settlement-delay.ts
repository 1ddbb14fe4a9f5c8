/**
 * The settlement delay bound: every job settles within challengeWindow + maxDisputeDuration of its submission
 * (IDisputeManager), the longest dispute opening in the last second of the challenge window. Read from the contracts
 * as deployed with config/parameters.ts's local and public values, next to the escrow's dispute window that
 * governance keeps the longest dispute within.
 */
import hre, { ethers } from "hardhat";

import { LOCAL_PARAMETERS, PUBLIC_PARAMETERS, type WeftParameters } from "../../config/parameters";
import { deployWeft } from "../../src/deploy/deploy";
import { withLocalLaunchAccounts } from "../../src/deploy/launch";
import { connectSystem } from "../../src/deploy/system";

export interface SettlementDelay {
  /** Seconds, as the deployed contracts report them. */
  readonly challengeWindow: number;
  readonly responseWindow: number;
  readonly followUpWindow: number;
  readonly arbitrationWindow: number;
  /** DisputeManager.maxDisputeDuration(): max(2 x responseWindow + followUpWindow, arbitrationWindow). */
  readonly maxDisputeDuration: number;
  /** JobEscrow.disputeWindow(), which bounds maxDisputeDuration. */
  readonly disputeWindow: number;
  /** challengeWindow + maxDisputeDuration. */
  readonly bound: number;
}

// The public parameters on the in-process chain, whose launch accounts cannot come from `hardhat vars`.
export const SETTLEMENT_NETWORKS = {
  local: LOCAL_PARAMETERS,
  public: withLocalLaunchAccounts(PUBLIC_PARAMETERS),
} as const;
export type SettlementNetwork = keyof typeof SETTLEMENT_NETWORKS;

async function deployedDelay(parameters: WeftParameters): Promise<SettlementDelay> {
  const [deployer] = await ethers.getSigners();
  const { JobEscrow, DisputeManager } = connectSystem(await deployWeft(hre, parameters), deployer);
  const seconds = async (value: Promise<bigint>) => Number(await value);
  const challengeWindow = await seconds(JobEscrow.challengeWindow());
  const maxDisputeDuration = await seconds(DisputeManager.maxDisputeDuration());
  return {
    challengeWindow,
    responseWindow: await seconds(DisputeManager.responseWindow()),
    followUpWindow: await seconds(DisputeManager.followUpWindow()),
    arbitrationWindow: await seconds(DisputeManager.arbitrationWindow()),
    maxDisputeDuration,
    disputeWindow: await seconds(JobEscrow.disputeWindow()),
    bound: challengeWindow + maxDisputeDuration,
  };
}

export async function measureSettlementDelay(
  progress: (line: string) => void,
): Promise<Record<SettlementNetwork, SettlementDelay>> {
  const local = await deployedDelay(SETTLEMENT_NETWORKS.local);
  const pub = await deployedDelay(SETTLEMENT_NETWORKS.public);
  progress(`gas: settlement delay bound ${local.bound} s local, ${pub.bound} s public`);
  return { local, public: pub };
}
