import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, ADDRESS_OR_INDEX, AMOUNT, FILE, KEYSTORE_HELP, TOKEN } from "../../src/cli/arg-types";

interface TokenTransferArgs {
  to: string;
  amount: string;
  token: string;
  account?: string;
  keystore?: string;
}

task("token:transfer", "Sends WEFT or an allow-listed payment token to an address or a configured account")
  .addParam("to", "The recipient: an address or an account index", undefined, ADDRESS_OR_INDEX)
  .addParam("amount", "How much, in token units (e.g. 12.5)", undefined, AMOUNT)
  .addOptionalParam("token", "WEFT, or an allow-listed token's symbol or address", "WEFT", TOKEN)
  .addOptionalParam("account", "The account that sends (default: the client's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: TokenTransferArgs, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccountOrAddress } = await import("../../src/cli/flags");
      const { formatAmount } = await import("../../src/jobs/amounts");
      const { transferToken } = await import("../../src/tokens/transfer");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "client",
      });
      const accounts = (await hre.ethers.getSigners()).map((account) => account.address);
      const to = parseAccountOrAddress("--to", args.to, accounts);
      const sent = await transferToken(system, signer, { token: args.token, to, amount: args.amount });
      console.log(`Sent ${formatAmount(sent.amount, sent.token)} from ${sent.from} to ${sent.to} (tx ${sent.txHash})`);
      console.log(`${sent.from} now holds ${formatAmount(sent.senderBalance, sent.token)}`);
      console.log(`${sent.to} now holds ${formatAmount(sent.recipientBalance, sent.token)}`);
    }),
  );
