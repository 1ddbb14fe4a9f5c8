import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:execute", "Executes a queued proposal once its timelock delay has passed")
  .addParam("id", "The proposal id")
  .addFlag("advance", "Local networks only: move the clock to the proposal's eta first")
  .setAction(
    userFacing(async (args: { id: string; advance: boolean }, hre) => {
      const { loadSystem, parseProposalId } = await import("../../src/cli/context");
      const { execute, findProposal } = await import("../../src/dao/governor");
      const { advanceTo } = await import("../../src/chain/clock");
      const { signer, system, book } = await loadSystem(hre);
      const proposal = await findProposal(system.ComputeGovernor, parseProposalId(args.id), book.deploymentBlock);
      if (args.advance) await advanceTo(hre, await system.ComputeGovernor.proposalEta(proposal.id));
      const txHash = await execute(system.ComputeGovernor, signer, proposal);
      console.log(`Executed ${proposal.id} (tx ${txHash})`);
    }),
  );
