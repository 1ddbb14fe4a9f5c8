import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import {
  ACCOUNT,
  ADDRESS,
  AMOUNT,
  DURATION,
  FILE,
  INTEGER,
  KEYSTORE_HELP,
  MATMUL_SHAPE,
  MLP_WIDTHS,
  MODEL,
  STORE,
  TILE,
  TOKEN,
  oneOf,
} from "../../src/cli/arg-types";

interface JobCreateArgs {
  workload: string;
  shape?: string;
  tile?: string;
  seed?: string;
  inputs?: string;
  model?: string;
  layers?: string;
  batch?: string;
  token: string;
  payment: string;
  duration: string;
  provider?: string;
  store?: string;
  account?: string;
  keystore?: string;
}

task("job:create", "Creates a job: publishes its inputs to the content store and pays for it into escrow")
  .addParam("workload", "matmul-i8, mandelbrot-q or mlp-i8", undefined, oneOf("matmul-i8", "mandelbrot-q", "mlp-i8"))
  .addOptionalParam("shape", 'matmul-i8: "m,k,n" (A is m x k, B is k x n)', undefined, MATMUL_SHAPE)
  .addOptionalParam(
    "tile",
    'mandelbrot-q: "x0,y0,step,width,height,maxIter" (x0, y0, step real numbers)',
    undefined,
    TILE,
  )
  .addOptionalParam(
    "model",
    "mlp-i8: the model, by its root (model:publish) or a .wmlp / float .json file",
    undefined,
    MODEL,
  )
  .addOptionalParam(
    "layers",
    'mlp-i8 without --model: generate a network of these widths, "inputs-...-outputs" (e.g. 64-32-10)',
    undefined,
    MLP_WIDTHS,
  )
  .addOptionalParam("batch", "mlp-i8: the number of items of a generated batch (with --seed)", undefined, INTEGER)
  .addOptionalParam(
    "seed",
    "matmul-i8, mlp-i8: generate the inputs (mlp-i8: the batch, and the network without --model) from this seed",
    undefined,
    INTEGER,
  )
  .addOptionalParam(
    "inputs",
    "matmul-i8: A then B, row-major, one int8 per byte; mlp-i8: the batch, a .json array of int8 rows or raw int8 bytes",
    undefined,
    FILE,
  )
  .addOptionalParam("token", "WEFT or the address of an allow-listed payment token", "WEFT", TOKEN)
  .addParam(
    "payment",
    "What the provider is paid, protocol fee included, in token units (e.g. 12.5)",
    undefined,
    AMOUNT,
  )
  .addOptionalParam(
    "duration",
    "Time until the submit deadline: seconds, or with a unit (90m, 2h, 7d, 1w)",
    "1h",
    DURATION,
  )
  .addOptionalParam("provider", "Direct the job to this provider's address (default: any provider)", undefined, ADDRESS)
  .addOptionalParam(
    "store",
    "Where to publish the inputs: a directory or a blob server URL (default .weft/store)",
    undefined,
    STORE,
  )
  .addOptionalParam("account", "The account that pays (default: the client's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: JobCreateArgs, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { resolveJobRequest, parseProviderAddress } = await import("../../src/jobs/request");
      const { parseSeconds } = await import("../../src/cli/flags");
      const { createJobFromSpec } = await import("../../src/jobs/create");
      const spec = await resolveJobRequest(args, { store: args.store });
      const durationSeconds = parseSeconds("--duration", args.duration);
      const provider = args.provider === undefined ? undefined : parseProviderAddress(args.provider);
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "client",
      });
      const created = await createJobFromSpec(system, signer, spec, {
        token: args.token,
        payment: args.payment,
        durationSeconds,
        provider,
        store: args.store,
        progress: (line) => console.log(line),
      });
      console.log(
        `Created job ${created.jobId} (tx ${created.txHash}, gas ${created.gasUsed}, paid by ${created.authorization})`,
      );
      console.log(`Input root: ${created.inputRoot}`);
      console.log(
        `Input URI:  ${created.inputURI === "" ? "(none: the params are the whole input)" : created.inputURI}`,
      );
    }),
  );
