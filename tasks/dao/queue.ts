import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:queue", "Queues a succeeded proposal in the timelock")
  .addParam("id", "The proposal id, or its short id from dao:proposals")
  .addFlag("advance", "Local networks only: move the clock past the voting deadline first")
  .addOptionalParam("account", "Index of the configured account that sends the transaction", "0")
  .setAction(
    userFacing(async (args: { id: string; advance: boolean; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { resolveProposal } = await import("../../src/dao/proposals");
      const { queue } = await import("../../src/dao/governor");
      const { advanceTo } = await import("../../src/chain/clock");
      const { formatUtc } = await import("../../src/markdown");
      const { signer, system, book } = await loadSystem(hre, parseAccount("--account", args.account));
      const proposal = await resolveProposal(system.ComputeGovernor, args.id, book.deploymentBlock);
      if (args.advance) await advanceTo(hre, (await system.ComputeGovernor.proposalDeadline(proposal.id)) + 1n);
      const txHash = await queue(system.ComputeGovernor, signer, proposal);
      const eta = await system.ComputeGovernor.proposalEta(proposal.id);
      console.log(`Queued ${proposal.id}; executable from ${formatUtc(eta)} (tx ${txHash})`);
    }),
  );
