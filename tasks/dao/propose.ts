import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, KEYSTORE_HELP, PARAMETER_CHANGE } from "../../src/cli/arg-types";

task("dao:propose", "Proposes a parameter change (--set name=value) or arbitrary calls (--calls <json file>)")
  .addOptionalParam("set", "A named parameter change, e.g. protocolFeeBps=250", undefined, PARAMETER_CHANGE)
  .addOptionalParam("calls", 'A JSON file: [{"target": "0x...", "value": "0", "calldata": "0x..."}]', undefined, FILE)
  .addOptionalParam("description", "The proposal's description (defaults to a summary of its calls)")
  .addFlag("printCalldata", "Print the propose transaction as JSON for a multisig to send, instead of sending it")
  .addFlag("skipSimulation", "Propose without first trying each call from the timelock against today's state")
  .addOptionalParam("account", "The account that proposes (default: the member's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(
      async (
        args: {
          set?: string;
          calls?: string;
          description?: string;
          printCalldata: boolean;
          skipSimulation: boolean;
          account?: string;
          keystore?: string;
        },
        hre,
      ) => {
        const { loadSystem } = await import("../../src/cli/context");
        const { proposalActions } = await import("../../src/dao/actions");
        const { propose, proposeTransaction } = await import("../../src/dao/governor");
        const { simulateActions } = await import("../../src/dao/simulate");
        const { signer, system } = await loadSystem(hre, {
          account: args.account,
          keystore: args.keystore,
          role: "member",
        });
        const actions = await proposalActions(system, args);
        const description = args.description ?? `Weft: ${args.set ?? `calls from ${args.calls}`}`;
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
        console.log(`Proposal id: ${id} (short id ${shortProposalId(id)})`);
        console.log(`Description hash: ${descriptionHash}`);
        console.log(`Transaction: ${txHash}`);
      },
    ),
  );
