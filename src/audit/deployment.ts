import { ZeroAddress, type Provider, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { deployWeft } from "../deploy/deploy";
import { connectSystem, WEFT_CONTRACT_NAMES, type WeftAddresses, type WeftSystem } from "../deploy/system";
import { UserError } from "../errors";

/** The production system as deployed on the in-process network, and how to name the addresses found on it. */
export interface AuditedDeployment {
  readonly addresses: WeftAddresses;
  readonly system: WeftSystem;
  readonly deployer: Signer;
  readonly deployerAddress: string;
  /** For calls made as another account (a signer only calls as itself). */
  readonly provider: Provider;
  /** A contract name, "deployer", "anyone" (the zero address) or the address itself. */
  nameOf(address: string): string;
}

/**
 * Deploys Weft through the production path (the Ignition modules with the hand-over to the DAO, as `npx hardhat
 * deploy` and the test fixtures do) with the local parameters, on the in-process network only.
 */
export async function deployForAudit(hre: HardhatRuntimeEnvironment): Promise<AuditedDeployment> {
  if (hre.network.name !== "hardhat") {
    throw new UserError(
      `The audit report deploys its own system on the in-process network; run it without --network (got ${hre.network.name}).`,
    );
  }
  const [deployer] = await hre.ethers.getSigners();
  const addresses = await deployWeft(hre, LOCAL_PARAMETERS);
  const names = new Map<string, string>(WEFT_CONTRACT_NAMES.map((name) => [addresses[name].toLowerCase(), name]));
  names.set(deployer.address.toLowerCase(), "deployer");
  names.set(ZeroAddress, "anyone (the zero address)");
  return {
    addresses,
    system: connectSystem(addresses, deployer),
    deployer,
    deployerAddress: deployer.address,
    provider: hre.ethers.provider,
    nameOf: (address) => names.get(address.toLowerCase()) ?? address,
  };
}

/** The runtime code size, in bytes, of every contract of the deployed system. */
export async function codeSizes(d: AuditedDeployment): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const name of WEFT_CONTRACT_NAMES) sizes.set(name, (await d.provider.getCode(d.addresses[name])).length / 2 - 1);
  return sizes;
}
