import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:relay", "Submits a ballot signed with dao:vote --by-sig --print-only; the sender pays the gas")
  .addParam("ballot", "The signed ballot: its JSON, or a file holding it")
  .addOptionalParam("account", "Index of the configured account that pays for the relay", "0")
  .setAction(
    userFacing(async (args: { ballot: string; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { readBallot } = await import("../../src/dao/ballot");
      const { relayVote } = await import("../../src/dao/governor");
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const ballot = readBallot(args.ballot);
      const txHash = await relayVote(system.ComputeGovernor, signer, ballot);
      console.log(`Relayed ${ballot.voter}'s signed vote on ${ballot.proposalId} (tx ${txHash})`);
    }),
  );
