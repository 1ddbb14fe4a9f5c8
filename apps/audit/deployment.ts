import { ZeroAddress, type Provider, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { deployWeftSystem } from "../../src/deploy/deploy";
import type { ResolvedLaunch, VestingWalletAddresses } from "../../src/deploy/launch";
import { connectSystem, WEFT_CONTRACT_NAMES, type WeftAddresses, type WeftSystem } from "../../src/deploy/system";
import { UserError } from "../../src/errors";

/** The production system as deployed on the in-process network, and how to name the addresses found on it. */
export interface AuditedDeployment {
  readonly addresses: WeftAddresses;
  readonly vestingWallets: VestingWalletAddresses;
  /** The launch as deployed: every allocation's beneficiary and amount, the council. */
  readonly launch: ResolvedLaunch;
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
  const { contracts: addresses, vestingWallets, launch } = await deployWeftSystem(hre, LOCAL_PARAMETERS);
  const names = new Map<string, string>(WEFT_CONTRACT_NAMES.map((name) => [addresses[name].toLowerCase(), name]));
  for (const [allocation, address] of Object.entries(vestingWallets)) {
    names.set(address.toLowerCase(), `${allocation} vesting wallet`);
  }
  for (const a of launch.allocations) {
    if (a.kind === "vested" && !names.has(a.beneficiary.toLowerCase())) {
      names.set(a.beneficiary.toLowerCase(), `${a.name} beneficiary`);
    }
  }
  names.set(launch.council.toLowerCase(), "council account");
  names.set(deployer.address.toLowerCase(), "deployer");
  names.set(ZeroAddress, "anyone (the zero address)");
  return {
    addresses,
    vestingWallets,
    launch,
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
  // Every vested allocation has a wallet of the same code.
  sizes.set("CliffVestingWallet", (await d.provider.getCode(d.vestingWallets.founders)).length / 2 - 1);
  return sizes;
}
