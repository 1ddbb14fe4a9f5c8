import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Provider } from "ethers";

import { isLocalNetwork } from "../../config/parameters";
import { UserError } from "../errors";
import { withRetry } from "./retry";

/** The latest block's timestamp: what the contracts compare deadlines with. */
export async function chainTime(provider: Provider): Promise<bigint> {
  return (await latestBlock(provider)).timestamp;
}

/** The head of the chain and its timestamp, in one call. */
export async function latestBlock(
  provider: Provider,
): Promise<{ readonly number: number; readonly timestamp: bigint }> {
  // Retried like every read: a gateway's occasional 5xx must not fail a task.
  const block = await withRetry("the latest block", () => provider.getBlock("latest"));
  if (block === null) throw new UserError("The node returned no latest block; is it running?");
  return { number: block.number, timestamp: BigInt(block.timestamp) };
}

/**
 * Moves a local chain's clock to `timestamp` (if it is not there yet) and mines a block. Refused on public
 * networks: their clocks cannot be moved, only waited for.
 */
export async function advanceTo(hre: HardhatRuntimeEnvironment, timestamp: bigint): Promise<void> {
  if (!isLocalNetwork(hre.network.name)) {
    throw new UserError(`--advance only works on local networks; on ${hre.network.name} wait until ${timestamp}.`);
  }
  if ((await chainTime(hre.ethers.provider)) >= timestamp) return;
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
  await hre.network.provider.send("evm_mine", []);
}

/**
 * Moves a local chain's clock forward by `seconds` and mines a block at exactly the new time, which it returns.
 * Refused on public networks, like {advanceTo}.
 */
export async function advanceBy(hre: HardhatRuntimeEnvironment, seconds: bigint): Promise<bigint> {
  if (!isLocalNetwork(hre.network.name)) {
    throw new UserError(
      `chain:advance only works on local networks (hardhat, localhost); ${hre.network.name}'s clock cannot be moved.`,
    );
  }
  // The next block's timestamp set outright, not evm_increaseTime: that one adds the wall-clock time since the last
  // block too, so the clock would land a few seconds past what was asked.
  const target = (await chainTime(hre.ethers.provider)) + seconds;
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(target)]);
  await hre.network.provider.send("evm_mine", []);
  return target;
}
