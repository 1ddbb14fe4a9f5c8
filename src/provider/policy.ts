/**
 * Which jobs a provider is willing to take: the workloads it runs, how big a job may be, which payment tokens it
 * takes and for how little, and how much time it needs before the submit deadline. Collateral and eligibility are
 * the chain's to decide and are checked by the agent, not here.
 */
import { getAddress } from "ethers";

import { MANDELBROT_MAX_PIXELS } from "../workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import { describeMlpParams, MLP_I8_NAME, mlpMultiplyAdds } from "../workloads/mlp-i8/network";
import type { DecodedJob } from "../workloads/registry";
import { WORKLOADS } from "../workloads/registry";

export interface AcceptancePolicy {
  /** Workload names accepted. */
  readonly workloads: readonly string[];
  /** Largest matmul-i8 job, in multiply-adds (m * k * n). */
  readonly maxMultiplyAdds: number;
  /** Largest mandelbrot-q tile, in pixels. */
  readonly maxPixels: number;
  /**
   * Payment tokens accepted (checksummed address) with the smallest payment taken in each, in the token's base
   * units; undefined accepts every token the escrow allows, at any payment.
   */
  readonly paymentTokens?: ReadonlyMap<string, bigint>;
  /** Seconds that must remain before a job's submit deadline for it to be accepted. */
  readonly minSecondsLeft: number;
}

/** Every workload; jobs up to 2^34 multiply-adds (seconds to a minute on a multi-core CPU) or the largest tile. */
export const DEFAULT_POLICY: AcceptancePolicy = {
  workloads: WORKLOADS.map((workload) => workload.name),
  maxMultiplyAdds: 2 ** 34,
  maxPixels: MANDELBROT_MAX_PIXELS,
  minSecondsLeft: 60,
};

/** What the policy needs to know about a job beyond its decoded params. */
export interface JobOffer {
  readonly job: DecodedJob;
  readonly paymentToken: string;
  readonly payment: bigint;
  readonly submitDeadline: bigint;
}

/** Why `policy` refuses `offer` at chain time `now`, or undefined if it accepts it. */
export function policyRefusal(policy: AcceptancePolicy, offer: JobOffer, now: bigint): string | undefined {
  const { job } = offer;
  if (!policy.workloads.includes(job.name)) return `workload ${job.name} is not in ${policy.workloads.join(", ")}`;
  if (job.name === MATMUL_I8_NAME) {
    const { m, k, n } = job.params;
    if (m * k * n > policy.maxMultiplyAdds) {
      return `${m}x${k}x${n} is ${m * k * n} multiply-adds, more than the limit ${policy.maxMultiplyAdds}`;
    }
  } else if (job.name === MLP_I8_NAME) {
    const multiplyAdds = mlpMultiplyAdds(job.params);
    if (multiplyAdds > policy.maxMultiplyAdds) {
      return `${describeMlpParams(job.params)} is ${multiplyAdds} multiply-adds, more than the limit ${policy.maxMultiplyAdds}`;
    }
  } else if (job.params.width * job.params.height > policy.maxPixels) {
    return `${job.params.width}x${job.params.height} pixels is more than the limit ${policy.maxPixels}`;
  }
  if (policy.paymentTokens !== undefined) {
    const minimum = policy.paymentTokens.get(getAddress(offer.paymentToken));
    if (minimum === undefined) return `payment token ${offer.paymentToken} is not accepted`;
    if (offer.payment < minimum)
      return `payment ${offer.payment} is below the minimum ${minimum} for ${offer.paymentToken}`;
  }
  const secondsLeft = offer.submitDeadline - now;
  if (secondsLeft < BigInt(policy.minSecondsLeft)) {
    return `${secondsLeft} s left before the submit deadline, fewer than the ${policy.minSecondsLeft} s required`;
  }
  return undefined;
}
