import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, KEYSTORE_HELP, oneOf } from "../../src/cli/arg-types";

task("dao:propose-checker", "Proposes registering a workload's deployed fraud-proof checker with the DisputeManager")
  // The description is fixed (it names the workload and the checker's address), so voters read what the call does.
  .addParam(
    "workload",
    "The workload whose checker to register",
    undefined,
    oneOf("matmul-i8", "mandelbrot-q", "mlp-i8"),
  )
  .addFlag("printCalldata", "Print the propose transaction as JSON for a multisig to send, instead of sending it")
  .addFlag("skipSimulation", "Propose without first trying the call from the timelock against today's state")
  .addOptionalParam("account", "The account that proposes (default: the member's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(
      async (
        args: {
          workload: string;
          printCalldata: boolean;
          skipSimulation: boolean;
          account?: string;
          keystore?: string;
        },
        hre,
      ) => {
        const { loadSystem } = await import("../../src/cli/context");
        const { checkerRegistration } = await import("../../src/dao/checkers");
        const { propose, proposeTransaction } = await import("../../src/dao/governor");
        const { simulateActions } = await import("../../src/dao/simulate");
        const { signer, system } = await loadSystem(hre, {
          account: args.account,
          keystore: args.keystore,
          role: "member",
        });
        const registration = await checkerRegistration(system, args.workload);
        const actions = [registration.action];
        const { description } = registration;
        if (!args.skipSimulation) await simulateActions(system, hre.ethers.provider, actions);
        if (args.printCalldata) {
          const { chainId } = await hre.ethers.provider.getNetwork();
          const tx = await proposeTransaction(system.ComputeGovernor, actions, description);
          console.log(
            JSON.stringify(
              { chainId: chainId.toString(), ...tx, value: tx.value.toString(), proposalId: tx.proposalId.toString() },
              null,
              2,
            ),
          );
          return;
        }
        const { id, descriptionHash, txHash } = await propose(system.ComputeGovernor, signer, actions, description);
        const { shortProposalId } = await import("../../src/dao/proposals");
        console.log(`Checker of ${registration.workload} (${registration.workloadId}): ${registration.checker}`);
        console.log(`Proposal id: ${id} (short id ${shortProposalId(id)})`);
        console.log(`Description hash: ${descriptionHash}`);
        console.log(`Transaction: ${txHash}`);
      },
    ),
  );
