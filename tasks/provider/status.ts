import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, ADDRESS } from "../../src/cli/arg-types";

task(
  "provider:status",
  "Shows a provider's profile, stake (free, locked, unbonding), jail, debt, jobs and whether it can accept jobs now",
)
  .addOptionalParam("address", "The provider's address (default the --account's)", undefined, ADDRESS)
  .addOptionalParam("account", "Index of the configured account whose status to show", "0", ACCOUNT_INDEX)
  .addFlag("json", "Print JSON: amounts as decimal strings of base units and formatted, times as unix seconds")
  .setAction(
    userFacing(async (args: { address?: string; account: string; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount, parseAddress } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatProviderStatus, providerStatusJson, readProviderStatus } = await import("../../src/staking/status");
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const address = args.address === undefined ? await signer.getAddress() : parseAddress("--address", args.address);
      const status = await readProviderStatus(system, address, await chainTime(hre.ethers.provider));
      console.log(args.json ? JSON.stringify(providerStatusJson(status), null, 2) : formatProviderStatus(status));
    }),
  );
