import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, AMOUNT, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("provider:unbond", "Moves free stake into the unbonding queue; provider:withdraw pays it out once it matures")
  .addParam("amount", "WEFT to unbond, in whole units (e.g. 1000 or 0.5)", undefined, AMOUNT)
  .addOptionalParam("account", "The account to use (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { amount: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAmount, WEFT_UNITS } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatMaturity, requestUnbond } = await import("../../src/staking/unbonding");
      const { formatWeft } = await import("../../src/jobs/amounts");
      const amount = parseAmount("--amount", args.amount, WEFT_UNITS);
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "provider",
      });
      const now = await chainTime(hre.ethers.provider);
      const request = await requestUnbond(system, signer, amount, now);
      console.log(`Unbonding ${formatWeft(amount)} for ${request.provider} in tx ${request.txHash}`);
      console.log(
        `It matures ${formatMaturity(request.maturesAt, now)}; then run provider:withdraw. ` +
          `Free stake left: ${formatWeft(request.free)}`,
      );
    }),
  );
