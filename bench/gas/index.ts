/**
 * gas.json: every operation against its floor and against the floor of Weft's architecture, the lifecycle, the library
 * baselines, the proof path, the whole withheld-data path on a 1,024 x 1,024 output, and the settlement delay bound at
 * default parameters.
 */
import { BASELINE_REQUIRED, REQUIRED, floorGas, type BaselineName, type OpName } from "./floor";
import { measureBaselines } from "./baselines";
import { measureFraudProofs, type FraudProofPoint } from "./fraud-proof";
import { lifecycleOf, measurement, type Measurement } from "./lifecycle";
import { measureOps } from "./ops";
import type { Sample } from "./sample";
import { measureSettlementDelay, type SettlementDelay, type SettlementNetwork } from "./settlement-delay";
import { measureWithheldPath, type WithheldPath } from "./withheld-path";

export interface GasResult {
  readonly ops: Record<OpName, number>;
  readonly floor: Record<OpName, number>;
  readonly ratio: Record<OpName, number>;
  /** The floor of Weft's architecture (its own calls, permission and parameter reads counted in), and gas over it. */
  readonly weftFloor: Record<OpName, number>;
  readonly weftRatio: Record<OpName, number>;
  readonly lifecycle: Measurement & { readonly hashOnlyEscrow: Measurement };
  readonly baselines: Record<BaselineName, Measurement>;
  readonly fraudProof: readonly FraudProofPoint[];
  readonly withheldPath: WithheldPath;
  readonly settlementDelay: Record<SettlementNetwork, SettlementDelay>;
}

/** The k of each fraud-proof measurement: the full run's, and --quick's. */
export const FRAUD_PROOF_K = { full: [256, 1024, 4096], quick: [256, 4096] } as const;

/**
 * The layer widths of the mlp-i8 fraud-proof measurement (bench/gas/mlp-proof.ts), the full run's and --quick's. Run
 * by bench/mlp.ts, whose mlp.json holds them beside the inference figures: one file for issue 22's bench.
 */
export const MLP_PROOF_WIDTHS = { full: [256, 1024, 4096], quick: [256, 4096] } as const;
export { measureMlpProofs, type MlpProofPoint } from "./mlp-proof";

function measure<Name extends string>(
  samples: Record<Name, Sample>,
  required: Record<Name, (sizes: Sample["sizes"]) => Parameters<typeof floorGas>[1]>,
): Record<Name, Measurement> {
  const names = Object.keys(required) as Name[];
  return Object.fromEntries(
    names.map((name) => {
      const { gas, calldata, sizes } = samples[name];
      const requirements = required[name](sizes);
      const floor = floorGas(calldata, requirements, "honest");
      const weftFloor = floorGas(calldata, requirements, "weft");
      // A floor is a lower bound: one above a measurement means the model charges for something the EVM does not.
      if (weftFloor > gas) {
        throw new Error(`${name} used ${gas} gas, below its floor of ${weftFloor}: fix bench/gas/floor.ts`);
      }
      return [name, measurement(gas, floor, weftFloor)];
    }),
  ) as Record<Name, Measurement>;
}

function column<Name extends string>(table: Record<Name, Measurement>, pick: keyof Measurement): Record<Name, number> {
  return Object.fromEntries(Object.entries<Measurement>(table).map(([name, m]) => [name, m[pick]])) as Record<
    Name,
    number
  >;
}

export async function runGasBench(quick: boolean, progress: (line: string) => void): Promise<GasResult> {
  const ops = measure(await measureOps(progress), REQUIRED);
  const baselines = measure(await measureBaselines(progress), BASELINE_REQUIRED);
  const fraudProof = await measureFraudProofs(quick ? FRAUD_PROOF_K.quick : FRAUD_PROOF_K.full, progress);
  const withheldPath = await measureWithheldPath(progress);
  const settlementDelay = await measureSettlementDelay(progress);
  const lifecycle = lifecycleOf([ops.createJob, ops.acceptJob, ops.submitResult, ops.finalize]);
  const hashOnlyEscrow = lifecycleOf([
    baselines.hashEscrowCreateJob,
    baselines.hashEscrowAcceptJob,
    baselines.hashEscrowSubmitResult,
    baselines.hashEscrowFinalize,
  ]);
  return {
    ops: column(ops, "gas"),
    floor: column(ops, "floor"),
    ratio: column(ops, "ratio"),
    weftFloor: column(ops, "weftFloor"),
    weftRatio: column(ops, "weftRatio"),
    lifecycle: { ...lifecycle, hashOnlyEscrow },
    baselines,
    fraudProof,
    withheldPath,
    settlementDelay,
  };
}
