import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("provider:withdraw", "Pays out every matured unbonding entry to your account")
  .addOptionalParam("account", "The account to use (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatMaturity, withdrawMatured } = await import("../../src/staking/unbonding");
      const { formatWeft } = await import("../../src/jobs/amounts");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "provider",
      });
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
