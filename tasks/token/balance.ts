import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, ADDRESS_OR_INDEX, FILE, KEYSTORE_HELP, TOKEN } from "../../src/cli/arg-types";

interface TokenBalanceArgs {
  token?: string;
  address?: string;
  account?: string;
  keystore?: string;
  json: boolean;
}

task("token:balance", "Shows an account's WEFT and allow-listed payment tokens, and what the escrow may take of each")
  .addOptionalParam(
    "token",
    "WEFT, or an allow-listed token's symbol or address (default: every one)",
    undefined,
    TOKEN,
  )
  .addOptionalParam(
    "address",
    "Whose balances: an address or an account index (default: --account's address)",
    undefined,
    ADDRESS_OR_INDEX,
  )
  .addOptionalParam(
    "account",
    "The account whose balances are shown (default: the client's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .addFlag("json", "Print JSON: amounts in base units (decimal strings) and formatted")
  .setAction(
    userFacing(async (args: TokenBalanceArgs, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccountOrAddress } = await import("../../src/cli/flags");
      const tokens = await import("../../src/tokens/tokens");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "client",
      });
      const accounts = (await hre.ethers.getSigners()).map((account) => account.address);
      const holder =
        args.address === undefined
          ? await signer.getAddress()
          : parseAccountOrAddress("--address", args.address, accounts);
      const which =
        args.token === undefined ? await tokens.listTokens(system) : [await tokens.resolveToken(system, args.token)];
      const balances = await tokens.readBalances(system, holder, which);
      console.log(
        args.json
          ? JSON.stringify(tokens.balancesJson(holder, balances), null, 2)
          : tokens.formatBalances(holder, balances),
      );
    }),
  );
