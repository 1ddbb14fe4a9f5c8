import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { DURATION } from "../../src/cli/arg-types";

task("chain:advance", "Local networks only: moves the chain's clock forward (e.g. --time 2d) and mines a block")
  .addParam("time", 'How far: seconds, or a number with a unit (e.g. 1h, 2d, 1w, "90 minutes")', undefined, DURATION)
  .setAction(
    userFacing(async (args: { time: string }, hre) => {
      const { parseSeconds } = await import("../../src/cli/flags");
      const { advanceBy } = await import("../../src/chain/clock");
      const { formatUtc } = await import("../../src/markdown");
      const { span } = await import("../../src/markdown");
      const seconds = parseSeconds("--time", args.time);
      const now = await advanceBy(hre, seconds);
      console.log(`Advanced the clock by ${span(seconds)}; chain time is ${formatUtc(now)}`);
    }),
  );
