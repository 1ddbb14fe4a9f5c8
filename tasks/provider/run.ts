import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import {
  ACCOUNT,
  KEYSTORE_HELP,
  AMOUNT,
  COMMAND,
  DURATION,
  FILE,
  HOST,
  HTTP_URL,
  INTEGER,
  LIST,
  PORT,
  PROBABILITY,
  STORE,
  URI,
  oneOf,
} from "../../src/cli/arg-types";
import type { RunProviderArgs } from "../../apps/roots/provider";

task("provider:run", "Runs the provider agent: accepts, computes, submits and finalizes jobs until Ctrl-C")
  .addOptionalParam("account", "The provider's account (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .addOptionalParam(
    "store",
    "Where to publish outputs: a directory or an http(s) content server (default .weft/store)",
    undefined,
    STORE,
  )
  .addOptionalParam("ipfsGateway", "Gateway for ipfs:// inputs (default $WEFT_IPFS_GATEWAY)", undefined, HTTP_URL)
  .addOptionalParam("backend", "cpu (built in) or exec (your own program, see --exec)", "cpu", oneOf("cpu", "exec"))
  .addOptionalParam(
    "exec",
    "With --backend exec: the command computing a job (see src/provider/backends/exec.ts)",
    undefined,
    COMMAND,
  )
  .addOptionalParam("execTimeout", "With --backend exec: seconds one job may run (default 600)", undefined, DURATION)
  .addOptionalParam(
    "workers",
    "With --backend cpu: worker threads for matmul-i8 (default: all cores)",
    undefined,
    INTEGER,
  )
  .addOptionalParam("workloads", "Comma-separated workloads to accept (default: all)", undefined, LIST)
  .addOptionalParam(
    "maxMultiplyAdds",
    "Largest matmul-i8 or mlp-i8 job to accept, in multiply-adds (m*k*n; mlp-i8: batch * sum of inputs*outputs)",
    undefined,
    INTEGER,
  )
  .addOptionalParam("maxPixels", "Largest mandelbrot-q tile to accept, in pixels", undefined, INTEGER)
  .addOptionalParam(
    "paymentTokens",
    "Payment tokens to accept, each 0xToken or 0xToken:minPayment (base units)",
    undefined,
    LIST,
  )
  .addOptionalParam(
    "minTimeLeft",
    "Seconds a job must have left before its deadline to be accepted (default 60)",
    undefined,
    INTEGER,
  )
  .addOptionalParam("stake", "Before running, stake up to this total WEFT if the stake is lower", undefined, AMOUNT)
  .addOptionalParam("gpu", "Before running, register with this GPU model if not registered (needs --vram)")
  .addOptionalParam("vram", "With --gpu: the GPU memory in GB", undefined, INTEGER)
  .addOptionalParam("metadataUri", "With --gpu: a URI describing the provider", undefined, URI)
  .addOptionalParam(
    "pollInterval",
    "Time between polls: seconds, or with a unit (500ms, 2s); default 2 s locally, 5 s elsewhere",
    undefined,
    DURATION,
  )
  .addOptionalParam(
    "confirmations",
    "Blocks on top of a job's block before it is considered (default 0 local, 3)",
    undefined,
    INTEGER,
  )
  .addOptionalParam("state", "The state file (default .weft/<network>/provider-<address>.json)", undefined, FILE)
  .addOptionalParam(
    "jobAttempts",
    "Failed attempts at a job's work before it is given up (default 8, see README)",
    undefined,
    INTEGER,
  )
  .addOptionalParam(
    "metricsPort",
    "Serve Prometheus metrics on this port at /metrics, and health at /healthz",
    undefined,
    PORT,
  )
  .addOptionalParam(
    "healthMaxAge",
    "/healthz answers 503 when no tick succeeded for this long (default 2 min)",
    undefined,
    DURATION,
  )
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
  .addOptionalParam(
    "cheat",
    "FAULT INJECTION for tests and demos: flip-one, flip-hidden (mlp-i8), garbage or withhold",
    undefined,
    oneOf("flip-one", "flip-hidden", "garbage", "withhold"),
  )
  .addOptionalParam(
    "cheatRate",
    "With --cheat: the probability of cheating on each job (default 1)",
    undefined,
    PROBABILITY,
  )
  .setAction(
    userFacing(async (args: RunProviderArgs & { backend: string }, hre) => {
      const { runProvider } = await import("../../apps/roots/provider");
      await runProvider(hre, args);
    }),
  );
