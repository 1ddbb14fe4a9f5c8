import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:status", "Shows a proposal's state and votes, or (without --id) the system's parameters, roles and treasury")
  .addOptionalParam("id", "The proposal id")
  .setAction(
    userFacing(async (args: { id?: string }, hre) => {
      const { loadSystem, parseProposalId } = await import("../../src/cli/context");
      const { formatProposalStatus, formatSystemStatus } = await import("../../src/dao/status");
      const { system, book } = await loadSystem(hre);
      if (args.id !== undefined) {
        const { findProposal, proposalStatus } = await import("../../src/dao/governor");
        const id = parseProposalId(args.id);
        const proposal = await findProposal(system.ComputeGovernor, id, book.deploymentBlock);
        console.log(formatProposalStatus(proposal, await proposalStatus(system.ComputeGovernor, id)));
        return;
      }
      console.log(await formatSystemStatus(system, book));
    }),
  );
