import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, ADDRESS_OR_INDEX, AMOUNT, TOKEN } from "../../src/cli/arg-types";

interface TokenTransferArgs {
  to: string;
  amount: string;
  token: string;
  account: string;
}

task("token:transfer", "Sends WEFT or an allow-listed payment token to an address or a configured account")
  .addParam("to", "The recipient: an address or an account index", undefined, ADDRESS_OR_INDEX)
  .addParam("amount", "How much, in token units (e.g. 12.5)", undefined, AMOUNT)
  .addOptionalParam("token", "WEFT, or an allow-listed token's symbol or address", "WEFT", TOKEN)
  .addOptionalParam("account", "Index of the configured account that sends", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: TokenTransferArgs, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount, parseAccountOrAddress } = await import("../../src/cli/flags");
      const { formatAmount } = await import("../../src/jobs/amounts");
      const { transferToken } = await import("../../src/tokens/transfer");
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const accounts = (await hre.ethers.getSigners()).map((account) => account.address);
      const to = parseAccountOrAddress("--to", args.to, accounts);
      const sent = await transferToken(system, signer, { token: args.token, to, amount: args.amount });
      console.log(`Sent ${formatAmount(sent.amount, sent.token)} from ${sent.from} to ${sent.to} (tx ${sent.txHash})`);
      console.log(`${sent.from} now holds ${formatAmount(sent.senderBalance, sent.token)}`);
      console.log(`${sent.to} now holds ${formatAmount(sent.recipientBalance, sent.token)}`);
    }),
  );
