import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:status", "Shows a proposal's state and votes, or (without --id) the system's parameters, roles and treasury")
  .addOptionalParam("id", "The proposal id, or its short id from dao:proposals")
  .setAction(
    userFacing(async (args: { id?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { formatProposalStatus, formatSystemStatus } = await import("../../src/dao/status");
      const { system, book } = await loadSystem(hre);
      if (args.id !== undefined) {
        const { proposalStatus } = await import("../../src/dao/governor");
        const { resolveProposal } = await import("../../src/dao/proposals");
        const proposal = await resolveProposal(system.ComputeGovernor, args.id, book.deploymentBlock);
        console.log(formatProposalStatus(proposal, await proposalStatus(system.ComputeGovernor, proposal.id)));
        return;
      }
      console.log(await formatSystemStatus(system, book));
    }),
  );
