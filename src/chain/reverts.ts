/** Which custom error a call or transaction reverted with, however the node reported it. */
import { type Interface, isError, isHexString } from "ethers";

/** The name of the custom error of `contract` that `error` carries, if any. */
export function revertName(contract: { readonly interface: Interface }, error: unknown): string | undefined {
  // Through a JSON-RPC node ethers decodes the revert; Hardhat's in-process network throws its raw data.
  if (isError(error, "CALL_EXCEPTION") && error.revert !== null) return error.revert.name;
  const data = (error as { data?: unknown } | null)?.data;
  if (typeof data !== "string" || !isHexString(data)) return undefined;
  try {
    return contract.interface.parseError(data)?.name;
  } catch {
    return undefined;
  }
}
