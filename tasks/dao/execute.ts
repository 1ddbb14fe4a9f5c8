import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:execute", "Executes a queued proposal once its timelock delay has passed")
  .addParam("id", "The proposal id, or its short id from dao:proposals")
  .addFlag("advance", "Local networks only: move the clock to the proposal's eta first")
  .addOptionalParam("account", "Index of the configured account that sends the transaction", "0")
  .setAction(
    userFacing(async (args: { id: string; advance: boolean; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { resolveProposal } = await import("../../src/dao/proposals");
      const { execute } = await import("../../src/dao/governor");
      const { advanceTo } = await import("../../src/chain/clock");
      const { signer, system, book } = await loadSystem(hre, parseAccount("--account", args.account));
      const proposal = await resolveProposal(system.ComputeGovernor, args.id, book.deploymentBlock);
      if (args.advance) await advanceTo(hre, await system.ComputeGovernor.proposalEta(proposal.id));
      const txHash = await execute(system.ComputeGovernor, signer, proposal);
      console.log(`Executed ${proposal.id} (tx ${txHash})`);
    }),
  );
