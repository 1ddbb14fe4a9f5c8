import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, AMOUNT, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("provider:stake", "Stakes WEFT as your provider collateral (approves the registry, then stakes)")
  .addParam("amount", "WEFT to stake, in whole units (e.g. 1000 or 0.5)", undefined, AMOUNT)
  .addOptionalParam("account", "The account to use (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { amount: string; account?: string; keystore?: string }, hre) => {
      const { formatEther } = await import("ethers");
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAmount, WEFT_UNITS } = await import("../../src/cli/flags");
      const { stakeWeft } = await import("../../src/provider/setup");
      const amount = parseAmount("--amount", args.amount, WEFT_UNITS);
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "provider",
      });
      const { provider, staked, txHash } = await stakeWeft(system, signer, amount, hre.network.name);
      console.log(`Staked ${formatEther(amount)} WEFT for ${provider} (total ${formatEther(staked)}) in tx ${txHash}`);
    }),
  );
