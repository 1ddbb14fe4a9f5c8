import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task(
  "dao:proposals",
  "Lists the proposals still in play (--all: every one): state, decoded calls, votes, quorum, next step, your vote",
)
  .addOptionalParam("account", "Index of the configured account whose votes are shown", "0")
  .addFlag("json", "Print JSON: amounts in base units and formatted")
  .addFlag("all", "Also list canceled, defeated, expired and executed proposals")
  .setAction(
    userFacing(async (args: { account: string; json: boolean; all: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatProposals, isSettledProposal, listProposals, proposalsJson } =
        await import("../../src/dao/proposals");
      const { signer, system, book } = await loadSystem(hre, parseAccount("--account", args.account));
      const listed = await listProposals(system, book.deploymentBlock, await signer.getAddress());
      const shown = args.all ? listed : listed.filter((s) => !isSettledProposal(s.state));
      const now = await chainTime(hre.ethers.provider);
      console.log(args.json ? proposalsJson(shown) : formatProposals(shown, now, listed.length - shown.length));
    }),
  );
