import { HardhatPluginError } from "hardhat/plugins";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../errors";

/**
 * Wraps a task's action so that a UserError prints as one line (Hardhat shows a plugin error without its stack)
 * and the process exits with code 1. Any other error is a bug and keeps its stack.
 */
export function userFacing<Args>(
  action: (args: Args, hre: HardhatRuntimeEnvironment) => Promise<void>,
): (args: Args, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return async (args, hre) => {
    try {
      await action(args, hre);
    } catch (error) {
      if (error instanceof UserError) throw new HardhatPluginError("weft", error.message);
      throw error;
    }
  };
}
