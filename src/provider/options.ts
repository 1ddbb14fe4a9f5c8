/** The provider tasks' command-line values, parsed into what src/provider takes; bad input is a UserError. */
import path from "node:path";

import { getAddress, isAddress } from "ethers";

import { parseDuration, parseInteger } from "../cli/flags";
import { UserError } from "../errors";
import { WORKLOADS } from "../workloads/registry";
import type { ComputeBackend } from "./backends/backend";
import { CpuBackend } from "./backends/cpu";
import { ExecBackend } from "./backends/exec";
import { CHEAT_MODES, type CheatConfig, isCheatMode } from "./cheat";
import { type AcceptancePolicy, DEFAULT_POLICY } from "./policy";
import type { ProviderProfile } from "../staking/profile";

export const BACKENDS = ["cpu", "exec"] as const;
/** Seconds an exec backend program may run on one job unless --exec-timeout says otherwise. */
export const DEFAULT_EXEC_TIMEOUT_SECONDS = 600;

export function parseProfile(gpu: string, vram: string | undefined, metadataUri: string | undefined): ProviderProfile {
  if (vram === undefined) throw new UserError("--vram (the GPU memory in GB) is required with --gpu.");
  return { gpuModel: gpu, vramGb: parseInteger("--vram", vram, { min: 1 }), metadataURI: metadataUri ?? "" };
}

export interface BackendArgs {
  readonly backend: string;
  readonly exec?: string;
  readonly execTimeout?: string;
  readonly workers?: string;
}

export function parseBackend(args: BackendArgs): ComputeBackend {
  switch (args.backend) {
    case "cpu":
      if (args.exec !== undefined) throw new UserError("--exec is for --backend exec; drop it or add --backend exec.");
      return new CpuBackend({
        workers: args.workers === undefined ? undefined : parseInteger("--workers", args.workers, { min: 1 }),
      });
    case "exec": {
      if (args.exec === undefined || args.exec.trim() === "") {
        throw new UserError('--backend exec needs --exec "<command>", the program to run on each job.');
      }
      if (args.workers !== undefined) throw new UserError("--workers is for --backend cpu; your program decides.");
      const seconds =
        args.execTimeout === undefined
          ? DEFAULT_EXEC_TIMEOUT_SECONDS
          : parseDuration("--exec-timeout", args.execTimeout) / 1000;
      return new ExecBackend({ command: args.exec, timeoutMs: seconds * 1000 });
    }
    default:
      throw new UserError(`--backend must be one of ${BACKENDS.join(", ")}; got "${args.backend}".`);
  }
}

/** --cheat and --cheat-rate (default 1 when --cheat is given); undefined for an honest provider. */
export function parseCheat(mode: string | undefined, rate: string | undefined): CheatConfig | undefined {
  if (mode === undefined) {
    if (rate !== undefined) throw new UserError("--cheat-rate needs --cheat <mode>.");
    return undefined;
  }
  if (!isCheatMode(mode)) throw new UserError(`--cheat must be one of ${CHEAT_MODES.join(", ")}; got "${mode}".`);
  if (rate === undefined) return { mode, rate: 1 };
  const probability = Number(rate);
  if (rate.trim() === "" || !(probability >= 0 && probability <= 1)) {
    throw new UserError(`--cheat-rate must be a probability between 0 and 1; got "${rate}".`);
  }
  return { mode, rate: probability };
}

export interface PolicyArgs {
  readonly workloads?: string;
  readonly maxMultiplyAdds?: string;
  readonly maxPixels?: string;
  readonly paymentTokens?: string;
  readonly minTimeLeft?: string;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** `0xToken` or `0xToken:minimum` (base units), comma-separated. */
function parsePaymentTokens(value: string): ReadonlyMap<string, bigint> {
  const tokens = new Map<string, bigint>();
  for (const entry of splitList(value)) {
    const [address, minimum, ...rest] = entry.split(":");
    if (!isAddress(address) || rest.length > 0 || (minimum !== undefined && !/^\d+$/.test(minimum))) {
      throw new UserError(
        `--payment-tokens takes addresses with an optional minimum payment in the token's base units, ` +
          `e.g. 0xToken or 0xToken:1000000; got "${entry}".`,
      );
    }
    tokens.set(getAddress(address), BigInt(minimum ?? 0));
  }
  if (tokens.size === 0) throw new UserError("--payment-tokens names no token.");
  return tokens;
}

export function parsePolicy(args: PolicyArgs): AcceptancePolicy {
  const known: readonly string[] = WORKLOADS.map((workload) => workload.name);
  const workloads = args.workloads === undefined ? DEFAULT_POLICY.workloads : splitList(args.workloads);
  const unknown = workloads.filter((name) => !known.includes(name));
  if (unknown.length > 0 || workloads.length === 0) {
    throw new UserError(`--workloads takes a comma-separated list of ${known.join(", ")}; got "${args.workloads}".`);
  }
  return {
    workloads,
    maxMultiplyAdds:
      args.maxMultiplyAdds === undefined
        ? DEFAULT_POLICY.maxMultiplyAdds
        : parseInteger("--max-multiply-adds", args.maxMultiplyAdds, { min: 1 }),
    maxPixels:
      args.maxPixels === undefined
        ? DEFAULT_POLICY.maxPixels
        : parseInteger("--max-pixels", args.maxPixels, { min: 1 }),
    paymentTokens: args.paymentTokens === undefined ? undefined : parsePaymentTokens(args.paymentTokens),
    minSecondsLeft:
      args.minTimeLeft === undefined
        ? DEFAULT_POLICY.minSecondsLeft
        : parseInteger("--min-time-left", args.minTimeLeft),
  };
}

/** .weft/<network>/provider-<address>.json: one state file per provider and network. */
export function defaultStateFile(network: string, address: string): string {
  return path.join(".weft", network, `provider-${address.toLowerCase()}.json`);
}
