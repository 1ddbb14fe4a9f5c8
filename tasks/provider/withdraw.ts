import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX } from "../../src/cli/arg-types";

task("provider:withdraw", "Pays out every matured unbonding entry to your account")
  .addOptionalParam("account", "Index of the configured account to use", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: { account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatMaturity, withdrawMatured } = await import("../../src/staking/unbonding");
      const { formatWeft } = await import("../../src/staking/weft");
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const now = await chainTime(hre.ethers.provider);
      const withdrawal = await withdrawMatured(system, signer, now);
      console.log(`Withdrew ${formatWeft(withdrawal.amount)} to ${withdrawal.provider} in tx ${withdrawal.txHash}`);
      const next = withdrawal.pending[0];
      if (next !== undefined) {
        console.log(
          `Still unbonding: ${withdrawal.pending.length} entries; the next, ${formatWeft(next.amount)}, ` +
            `matures ${formatMaturity(next.maturesAt, now)}`,
        );
      }
    }),
  );
