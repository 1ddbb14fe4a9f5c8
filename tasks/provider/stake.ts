import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, AMOUNT } from "../../src/cli/arg-types";

task("provider:stake", "Stakes WEFT as your provider collateral (approves the registry, then stakes)")
  .addParam("amount", "WEFT to stake, in whole units (e.g. 1000 or 0.5)", undefined, AMOUNT)
  .addOptionalParam("account", "Index of the configured account to use", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: { amount: string; account: string }, hre) => {
      const { formatEther } = await import("ethers");
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount, parseAmount, WEFT_UNITS } = await import("../../src/cli/flags");
      const { stakeWeft } = await import("../../src/provider/setup");
      const amount = parseAmount("--amount", args.amount, WEFT_UNITS);
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const { provider, staked, txHash } = await stakeWeft(system, signer, amount, hre.network.name);
      console.log(`Staked ${formatEther(amount)} WEFT for ${provider} (total ${formatEther(staked)}) in tx ${txHash}`);
    }),
  );
