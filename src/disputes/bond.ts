/** The challenger's bond: every dispute path holds it until the dispute ends. */
import type { Signer } from "ethers";

import type { WeftSystem } from "../deploy/system";

/** Approves the DisputeManager for `bond` WEFT of `signer`'s unless its allowance already covers it. */
export async function ensureBondAllowance(
  system: Pick<WeftSystem, "ComputeToken" | "DisputeManager">,
  signer: Signer,
  bond: bigint,
): Promise<void> {
  const spender = await system.DisputeManager.getAddress();
  const token = system.ComputeToken.connect(signer);
  if ((await token.allowance(await signer.getAddress(), spender)) >= bond) return;
  await (await token.approve(spender, bond)).wait();
}
