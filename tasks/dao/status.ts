import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("dao:status", "Shows a proposal's state and votes, or (without --id) the system's parameters, roles and treasury")
  .addOptionalParam("id", "The proposal id, or its short id from dao:proposals", undefined, ID)
  .addOptionalParam(
    "account",
    "The account whose vote is shown (default: the member's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .addFlag("json", "Print JSON: amounts in base units and formatted")
  .setAction(
    userFacing(async (args: { id?: string; account?: string; keystore?: string; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { signer, system, book } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "member",
      });
      if (args.id !== undefined) {
        const { chainTime } = await import("../../src/chain/clock");
        const { formatProposals, proposalRecord, proposalSummary, resolveProposal } =
          await import("../../src/dao/proposals");
        const proposal = await resolveProposal(system.ComputeGovernor, args.id, book.deploymentBlock);
        const summary = await proposalSummary(system, proposal, book.deploymentBlock, await signer.getAddress());
        const now = await chainTime(hre.ethers.provider);
        console.log(args.json ? JSON.stringify(proposalRecord(summary), null, 2) : formatProposals([summary], now));
        return;
      }
      const { formatSystemStatus, readSystemStatus, systemStatusJson } = await import("../../src/dao/status");
      const status = await readSystemStatus(system, book);
      console.log(args.json ? systemStatusJson(status) : formatSystemStatus(status));
    }),
  );
