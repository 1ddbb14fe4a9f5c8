import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, BALLOT, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("dao:relay", "Submits a ballot signed with dao:vote --by-sig --print-only; the sender pays the gas")
  .addParam("ballot", "The signed ballot: its JSON, or a file holding it", undefined, BALLOT)
  .addOptionalParam(
    "account",
    "The account that pays for the relay (default: the member's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { ballot: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { readBallot } = await import("../../src/dao/ballot");
      const { relayVote } = await import("../../src/dao/governor");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "member",
      });
      const ballot = readBallot(args.ballot);
      const txHash = await relayVote(system.ComputeGovernor, signer, ballot);
      console.log(`Relayed ${ballot.voter}'s signed vote on ${ballot.proposalId} (tx ${txHash})`);
    }),
  );
