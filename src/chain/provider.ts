/** The provider behind a contract or a signer. */
import type { BaseContract, Provider, Signer } from "ethers";

/**
 * The provider `source` reads through. Every contract and signer of a loaded system has one; one without is a
 * wiring mistake (a contract attached to no runner, a signer made without a provider), reported as such.
 */
export function providerOf(source: BaseContract | Signer): Provider {
  const provider = "runner" in source ? source.runner?.provider : source.provider;
  if (provider === null || provider === undefined) {
    throw new Error("this contract or signer is not connected to a provider: connect it to a provider first");
  }
  return provider;
}
