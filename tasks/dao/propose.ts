import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:propose", "Proposes a parameter change (--set name=value) or arbitrary calls (--calls <json file>)")
  .addOptionalParam("set", "A named parameter change, e.g. protocolFeeBps=250")
  .addOptionalParam("calls", 'A JSON file: [{"target": "0x...", "value": "0", "calldata": "0x..."}]')
  .addOptionalParam("description", "The proposal's description (defaults to a summary of its calls)")
  .setAction(
    userFacing(async (args: { set?: string; calls?: string; description?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { proposalActions } = await import("../../src/dao/actions");
      const { propose } = await import("../../src/dao/governor");
      const { signer, system } = await loadSystem(hre);
      const actions = await proposalActions(system, args);
      const description = args.description ?? `Weft: ${args.set ?? `calls from ${args.calls}`}`;
      const { id, descriptionHash, txHash } = await propose(system.ComputeGovernor, signer, actions, description);
      console.log(`Proposal id: ${id}`);
      console.log(`Description hash: ${descriptionHash}`);
      console.log(`Transaction: ${txHash}`);
    }),
  );
