import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, ADDRESS, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task(
  "provider:status",
  "Shows a provider's profile, stake (free, locked, unbonding), jail, debt, jobs and whether it can accept jobs now",
)
  .addOptionalParam("address", "The provider's address (default the --account's)", undefined, ADDRESS)
  .addOptionalParam(
    "account",
    "The account whose status to show (default: the provider's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .addFlag("json", "Print JSON: amounts as decimal strings of base units and formatted, times as unix seconds")
  .setAction(
    userFacing(async (args: { address?: string; account?: string; keystore?: string; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAddress } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatProviderStatus, providerStatusJson, readProviderStatus } = await import("../../src/staking/status");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "provider",
      });
      const address = args.address === undefined ? await signer.getAddress() : parseAddress("--address", args.address);
      const status = await readProviderStatus(system, address, await chainTime(hre.ethers.provider));
      console.log(args.json ? JSON.stringify(providerStatusJson(status), null, 2) : formatProviderStatus(status));
    }),
  );
