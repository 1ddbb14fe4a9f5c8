import type { DeploymentParameters } from "@nomicfoundation/ignition-core";

import type { WeftParameters } from "../../config/parameters";

/** The Ignition parameters of ignition/modules/Weft.ts, keyed by module id, from one network's parameters. */
export function toIgnitionParameters(p: WeftParameters): DeploymentParameters {
  return {
    Treasury: { minDelay: p.timelock.minDelay },
    Token: { ...p.token },
    Staking: { ...p.registry },
    Market: { ...p.escrow },
    Disputes: {
      bond: p.disputes.bond,
      responseWindow: p.disputes.responseWindow,
      followUpWindow: p.disputes.followUpWindow,
      arbitrationWindow: p.disputes.arbitrationWindow,
      slashSplit: { ...p.disputes.slashSplit },
      stakeShareBps: p.disputes.stakeShareBps,
    },
    Rewards: { ...p.rewards },
    Governance: { ...p.governor },
  };
}
