import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP, oneOf } from "../../src/cli/arg-types";

task("dao:vote", "Votes on a proposal, directly or by an EIP-712 signature")
  .addParam("id", "The proposal id, or its short id from dao:proposals", undefined, ID)
  .addParam("support", "for, against or abstain", undefined, oneOf("for", "against", "abstain"))
  .addOptionalParam("reason", "A reason recorded with the vote")
  .addFlag("bySig", "Sign the ballot and relay it (with --print-only, print it for someone else to relay)")
  .addFlag("printOnly", "With --by-sig: print the signed ballot instead of relaying it")
  .addFlag("advance", "Local networks only: move the clock to the start of voting first")
  .addOptionalParam("account", "The account that votes (default: the member's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(
      async (
        args: {
          id: string;
          support: string;
          reason?: string;
          bySig: boolean;
          printOnly: boolean;
          advance: boolean;
          account?: string;
          keystore?: string;
        },
        hre,
      ) => {
        const { loadSystem } = await import("../../src/cli/context");
        const { resolveProposal } = await import("../../src/dao/proposals");
        const governorLib = await import("../../src/dao/governor");
        const { advanceTo } = await import("../../src/chain/clock");
        const { signer, system, book } = await loadSystem(hre, {
          account: args.account,
          keystore: args.keystore,
          role: "member",
        });
        const governor = system.ComputeGovernor;
        const support = governorLib.parseSupport(args.support);
        const proposal = await resolveProposal(governor, args.id, book.deploymentBlock);
        const id = proposal.id;
        if (args.advance) await advanceTo(hre, proposal.voteStart + 1n);
        if (!args.bySig) {
          const txHash = await governorLib.castVote(governor, signer, id, support, args.reason);
          console.log(`Voted ${args.support} on ${id} (tx ${txHash})`);
          return;
        }
        const ballot = await governorLib.signBallot(governor, signer, id, support);
        if (args.printOnly) {
          console.log(
            JSON.stringify({ ...ballot, proposalId: ballot.proposalId.toString(), nonce: ballot.nonce.toString() }),
          );
          return;
        }
        const txHash = await governorLib.relayVote(governor, signer, ballot);
        console.log(`Relayed ${ballot.voter}'s signed ${args.support} vote on ${id} (tx ${txHash})`);
      },
    ),
  );
