import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import {
  ACCOUNT,
  FILE,
  KEYSTORE_HELP,
  DIRECTORY,
  HOST,
  HTTP_URL,
  INTEGER,
  PORT,
  PROBABILITY,
  oneOf,
} from "../../src/cli/arg-types";
import { addChainFollowingParams } from "../../src/cli/following-params";
import type { VerifierCliArgs } from "../../apps/roots/verifier";

addChainFollowingParams(
  task(
    "verifier:run",
    "Watches submitted results, checks each one, and disputes every fault it finds on-chain",
  ).addOptionalParam(
    "stateDir",
    "Where the checkpoint, checked jobs and findings live (default .weft/verifier-<network>)",
    undefined,
    DIRECTORY,
  ),
  "read",
)
  .addOptionalParam("metricsPort", "Serve Prometheus metrics on this port at /metrics", undefined, PORT)
  .addOptionalParam(
    "metricsHost",
    "The interface to serve metrics on (default 127.0.0.1; 0.0.0.0 for every one)",
    undefined,
    HOST,
  )
  .addOptionalParam(
    "logFormat",
    "text (a line per event, for people) or json (an object per line, for collectors)",
    undefined,
    oneOf("text", "json"),
  )
  .addFlag("full", "mandelbrot-q: recompute every pixel instead of a sample")
  .addOptionalParam(
    "detection",
    "mandelbrot-q: probability of catching a single wrong chunk (default 0.5)",
    undefined,
    PROBABILITY,
  )
  .addOptionalParam(
    "fromBlock",
    "First block for a fresh state directory (default the deployment block)",
    undefined,
    INTEGER,
  )
  .addOptionalParam("ipfsGateway", "Gateway for ipfs:// URIs (default $WEFT_IPFS_GATEWAY)", undefined, HTTP_URL)
  .addFlag("once", "Process what is confirmed now, then exit")
  .addFlag("evidenceOnly", "Write each finding's evidence to <state dir>/findings only; do not dispute on-chain")
  .addOptionalParam(
    "account",
    "The account that disputes and pays bonds (default: the verifier's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: VerifierCliArgs, hre) => {
      const { parseVerifierArgs, runVerifier } = await import("../../apps/roots/verifier");
      await runVerifier(hre, parseVerifierArgs(args, hre.network.name));
    }),
  );
