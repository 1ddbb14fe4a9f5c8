/**
 * A proposal passed by the DAO, the way its members do it from the command line (the dao:* tasks call the same
 * functions): holders delegate, one proposes, the others vote (one by a signed ballot someone else relays), and after
 * the voting period and the timelock's delay the proposal is queued and executed. The clock is moved, never waited for.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";

import { advanceTo, chainTime } from "../../src/chain/clock";
import type { WeftSystem } from "../../src/deploy/system";
import {
  castVote,
  execute,
  findProposal,
  proposalStatus,
  propose,
  queue,
  relayVote,
  signBallot,
  VOTE_SUPPORT,
} from "../../src/dao/governor";
import type { ProposalAction } from "../../src/dao/governedParameters";
import { delegate } from "../../src/dao/votes";
import { weft } from "./summary";

export interface Voter {
  readonly name: string;
  readonly signer: Signer;
  /** Votes by a signed ballot that `relayer` sends, instead of its own transaction. */
  readonly bySignature?: { readonly relayer: Signer };
}

/** Proposes `actions` from the first voter, passes them with every voter's votes and executes them. */
export async function passProposal(
  hre: HardhatRuntimeEnvironment,
  system: WeftSystem,
  deploymentBlock: number,
  voters: readonly Voter[],
  actions: readonly ProposalAction[],
  description: string,
  report: (line: string) => void,
): Promise<bigint> {
  const { ComputeGovernor: governor, ComputeToken: token } = system;
  for (const voter of voters) {
    const { votes } = await delegate(token, voter.signer);
    report(`${voter.name} delegates to itself: ${weft(votes)} WEFT of votes`);
  }
  // Votes count from the block after delegation.
  await advanceTo(hre, (await chainTime(hre.ethers.provider)) + 1n);

  const { id } = await propose(governor, voters[0].signer, [...actions], description);
  const proposal = await findProposal(governor, id, deploymentBlock);
  report(`${voters[0].name} proposes "${description}" (proposal ${id.toString().slice(0, 12)}…)`);

  await advanceTo(hre, proposal.voteStart + 1n);
  for (const voter of voters) {
    if (voter.bySignature === undefined) {
      await castVote(governor, voter.signer, id, VOTE_SUPPORT.for);
    } else {
      const ballot = await signBallot(governor, voter.signer, id, VOTE_SUPPORT.for);
      await relayVote(governor, voter.bySignature.relayer, ballot);
    }
  }
  const status = await proposalStatus(governor, id);
  report(
    `votes for: ${weft(status.forVotes)} WEFT (${voters.map((v) => v.name + (v.bySignature ? " by signature" : "")).join(", ")}); ` +
      `quorum ${weft(status.quorum)}`,
  );

  await advanceTo(hre, status.deadline + 1n);
  await queue(governor, voters[0].signer, proposal);
  const eta = await governor.proposalEta(id);
  const delay = eta - (await chainTime(hre.ethers.provider));
  report(`voting closed; proposal queued in the timelock, executable in ${Number(delay) / 60} min`);
  await advanceTo(hre, eta);
  await execute(governor, voters[0].signer, proposal);
  return id;
}
