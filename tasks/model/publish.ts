import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { FILE, STORE } from "../../src/cli/arg-types";

interface ModelPublishArgs {
  file: string;
  calibration?: string;
  store?: string;
  json: boolean;
}

task(
  "model:publish",
  "Stores an mlp-i8 model in the content store and prints its root, the name jobs give it (job:create --model)",
)
  .addParam("file", "A .wmlp model, or a float network's .json (weft-mlp-float/1) to quantize", undefined, FILE)
  .addOptionalParam(
    "calibration",
    "With a .json network: float input rows (a JSON array of arrays) that calibrate its output scales",
    undefined,
    FILE,
  )
  .addOptionalParam(
    "store",
    "Where to publish: a directory or a blob server URL (default .weft/store)",
    undefined,
    STORE,
  )
  .addFlag("json", "Print one JSON object instead of lines")
  .setAction(
    userFacing(async (args: ModelPublishArgs) => {
      const { DEFAULT_STORE_DIR } = await import("../../src/store/factory");
      const { readModelFile } = await import("../../src/models/source");
      const { publishModel } = await import("../../src/models/catalog");
      const { describePublishedModel, publishedModelJson } = await import("../../src/models/report");
      const loaded = await readModelFile(args.file, { calibration: args.calibration });
      const published = await publishModel(loaded, args.store ?? DEFAULT_STORE_DIR);
      if (args.json) console.log(JSON.stringify(publishedModelJson(published)));
      else for (const line of describePublishedModel(published)) console.log(line);
    }),
  );
