import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task(
  "dao:proposals",
  "Lists the proposals still in play (--all: every one): state, decoded calls, votes, quorum, next step, your vote",
)
  .addOptionalParam(
    "account",
    "The account whose votes are shown (default: the member's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .addFlag("json", "Print JSON: amounts in base units and formatted")
  .addFlag("all", "Also list canceled, defeated, expired and executed proposals")
  .setAction(
    userFacing(async (args: { account?: string; keystore?: string; json: boolean; all: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatProposals, isSettledProposal, listProposals, proposalsJson } =
        await import("../../src/dao/proposals");
      const { signer, system, book } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "member",
      });
      const listed = await listProposals(system, book.deploymentBlock, await signer.getAddress());
      const shown = args.all ? listed : listed.filter((s) => !isSettledProposal(s.state));
      const now = await chainTime(hre.ethers.provider);
      console.log(args.json ? proposalsJson(shown) : formatProposals(shown, now, listed.length - shown.length));
    }),
  );
