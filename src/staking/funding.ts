/**
 * Whether an account holds the WEFT a stake needs, checked before anything is sent: a provider registered by a
 * command whose stake then fails is left half set up (issue 23).
 */
import { formatUnits, type Signer } from "ethers";

import { WEFT_UNITS } from "../cli/flags";
import { withRetry } from "../chain/retry";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatWeft } from "../jobs/amounts";

/** Throws, saying how much is missing and how to get it, unless `signer` holds `amount` WEFT. */
export async function requireStakeFunds(
  system: Pick<WeftSystem, "ComputeToken">,
  signer: Signer,
  amount: bigint,
  network: string,
): Promise<void> {
  const provider = await signer.getAddress();
  const balance = await withRetry("the WEFT balance", () => system.ComputeToken.balanceOf(provider));
  if (balance >= amount) return;
  const missing = amount - balance;
  throw new UserError(
    `${provider} holds ${formatWeft(balance)}, ${formatWeft(missing)} short of the ${formatWeft(amount)} to stake; ` +
      `nothing was sent. From a funded account: npx hardhat token:transfer --to ${provider} ` +
      `--amount ${formatUnits(missing, WEFT_UNITS.decimals)} --network ${network}`,
  );
}
