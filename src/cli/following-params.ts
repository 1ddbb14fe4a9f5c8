/** The options of a task that follows the chain (verifier:run, explorer), parsed by src/agents/following.ts. */
import type { ConfigurableTaskDefinition } from "hardhat/types";

import { DURATION, INTEGER } from "./arg-types";

/** Adds --confirmations, --poll-interval and --max-block-range; `reads` says what the task does to a block. */
export function addChainFollowingParams(
  definition: ConfigurableTaskDefinition,
  reads: string,
): ConfigurableTaskDefinition {
  return definition
    .addOptionalParam(
      "confirmations",
      `Blocks on top of a block before it is ${reads} (default 0 locally, 3 elsewhere)`,
      undefined,
      INTEGER,
    )
    .addOptionalParam(
      "pollInterval",
      "Time between polls: milliseconds, or with a unit (2s); default 2 s locally, 5 s elsewhere",
      undefined,
      DURATION,
    )
    .addOptionalParam("maxBlockRange", "Most blocks per eth_getLogs request (default 2000)", undefined, INTEGER);
}
