import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("dao:execute", "Executes a queued proposal once its timelock delay has passed")
  .addParam("id", "The proposal id, or its short id from dao:proposals", undefined, ID)
  .addFlag("advance", "Local networks only: move the clock to the proposal's eta first")
  .addOptionalParam(
    "account",
    "The account that sends the transaction (default: the member's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { id: string; advance: boolean; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { resolveProposal } = await import("../../src/dao/proposals");
      const { execute } = await import("../../src/dao/governor");
      const { advanceTo } = await import("../../src/chain/clock");
      const { signer, system, book } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "member",
      });
      const proposal = await resolveProposal(system.ComputeGovernor, args.id, book.deploymentBlock);
      if (args.advance) await advanceTo(hre, await system.ComputeGovernor.proposalEta(proposal.id));
      const txHash = await execute(system.ComputeGovernor, signer, proposal);
      console.log(`Executed ${proposal.id} (tx ${txHash})`);
    }),
  );
