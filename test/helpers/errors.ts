import { expect } from "chai";
import { BrowserProvider } from "ethers";
import hre from "hardhat";

import { UserError } from "../../src/errors";
import { TestERC20__factory } from "../../typechain-types";

/** Runs `attempt` (a promise, or a function that may throw or return one) and asserts it failed with a UserError
 * whose message matches `pattern`. */
export async function expectUserError(attempt: Promise<unknown> | (() => unknown), pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await (typeof attempt === "function" ? attempt() : attempt);
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a UserError, but the call succeeded").to.be.instanceOf(UserError);
  expect((caught as UserError).message).to.match(pattern);
}

/** Real ethers errors, each as a node's JSON-RPC answer reaches an agent; `hash` is the mined revert's transaction. */
export interface EthersErrors {
  /** A call whose custom error ethers decodes: ERC20InsufficientBalance(poor, 0, 5). */
  readonly decoded: unknown;
  /** A send refused by gas estimation: ethers does not decode its custom error. */
  readonly undecoded: unknown;
  /** A transaction that was mined and reverted (a lost race): its message embeds the whole receipt. */
  readonly mined: unknown;
  readonly hash: string;
  /** The account that holds no tokens and tried to send 5. */
  readonly poor: string;
}

/**
 * Makes them on this network with a fresh TestERC20: through ethers' own JSON-RPC error handling (a BrowserProvider
 * over Hardhat's provider, as with a node), and, for the mined revert, with automine off and a fixed gas limit so
 * that nothing estimates the transfer before it is mined.
 */
export async function ethersErrors(): Promise<EthersErrors> {
  const deployed = await hre.ethers.deployContract("TestERC20", ["Test", "TST"]);
  const [, { address: poor }] = await hre.ethers.getSigners();
  const signer = await new BrowserProvider(hre.network.provider).getSigner(poor);
  const token = TestERC20__factory.connect(await deployed.getAddress(), signer);
  const failure = (attempt: Promise<unknown>) =>
    attempt.then(
      () => expect.fail("it did not revert"),
      (e: unknown) => e,
    );
  const decoded = await failure(token.transfer.staticCall(poor, 5n));
  const undecoded = await failure(token.transfer(poor, 5n));
  await hre.network.provider.send("evm_setAutomine", [false]);
  try {
    const tx = await token.transfer(poor, 5n, { gasLimit: 100_000 });
    await hre.network.provider.send("evm_mine");
    return { decoded, undecoded, mined: await failure(tx.wait()), hash: tx.hash, poor };
  } finally {
    await hre.network.provider.send("evm_setAutomine", [true]);
  }
}
