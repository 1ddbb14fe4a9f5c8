import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AddressLike, Signature } from "ethers";

import { PERMIT_TYPES } from "../../src/chain/permit";

/** What signing an ERC-2612 permit needs from a token (ComputeToken, TestERC20, ...). */
export interface PermitToken {
  name(): Promise<string>;
  nonces(owner: AddressLike): Promise<bigint>;
  getAddress(): Promise<string>;
}

/** Signs an ERC-2612 permit for `owner`'s tokens; `signer` is the owner unless a test forges a signature. */
export async function signPermit(
  token: PermitToken,
  signer: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
  owner: string = signer.address,
): Promise<Signature> {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
  const message = { owner, spender, value, nonce: await token.nonces(owner), deadline };
  return ethers.Signature.from(await signer.signTypedData(domain, PERMIT_TYPES, message));
}
