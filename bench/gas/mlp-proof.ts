/**
 * Gas of an mlp-i8 fraud proof per layer width: MlpI8Checker.check on its own, and the whole proof path
 * (commitProof, then revealProof a block later: the checker's recomputation, the refund, the slash split, the bond
 * out), for one wrong activation in the first layer and one in a later layer, each on a layer whose input is `width`
 * wide. The network is width-width-10 on a batch of 4: the first layer's input row is a batch row (proven against the
 * input root), the second layer's is the first layer's committed activations (the whole result chunks holding them,
 * each proven against the result root). Each point beside its floors (proof-floor.ts): each transaction's EIP-7623
 * calldata floor decides the reveal's as the width grows. Each measurement is a fresh provider's first slash, in the
 * steady state of fraud-proof.ts (another dispute stays open throughout).
 */
import { ethers, network as hardhatNetwork } from "hardhat";

import { MlpInputTree } from "../../src/commitments/mlp-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { encodeFraudProof, proofCommitment } from "../../src/disputes/proofs";
import { checkMlp } from "../../src/findings/checks/mlp";
import {
  decodeMlpInputs,
  encodeMlpInputs,
  encodeMlpOutput,
  generateMlpBatch,
  generateMlpModel,
  mlpParamsCodec,
} from "../../src/workloads/mlp-i8/codec";
import { runMlp } from "../../src/workloads/mlp-i8/inference";
import { activationByte, mlpOutputLayout } from "../../src/workloads/mlp-i8/layout";
import { encodeModel } from "../../src/workloads/mlp-i8/model";
import { Activation, type MlpParams } from "../../src/workloads/mlp-i8/network";
import { mlpI8 } from "../../src/workloads/registry";
import { PROFILE, jobTerms } from "../../test/fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../../test/fixtures/weft";
import { EVM, calldataGas } from "./floor";
import { proofPathSetup } from "./fraud-proof";
import { submittedJob } from "./jobs";
import { proofPathFloor, type ProofPathFloor } from "./proof-floor";
import { hexBytes } from "./sample";

export interface MlpProofPoint {
  /** The disputed layer's input width. */
  readonly width: number;
  /** 0: the first layer (input row from the batch); 1: the second (input row from the committed activations). */
  readonly layer: number;
  readonly network: string;
  /**
   * MlpI8Checker.check: the execution alone (traced), and as a transaction of its own, which pays the larger of 21,000
   * + calldata + execution and its EIP-7623 calldata floor (beside it).
   */
  readonly checkExecutionGas: number;
  readonly checkGas: number;
  readonly checkCalldataFloor: number;
  /** commitProof + revealProof. */
  readonly gas: number;
  readonly commitGas: number;
  readonly revealGas: number;
  readonly proofBytes: number;
  readonly floor: ProofPathFloor;
}

const BATCH = 4;
/** The disputed value: item 2's activation of unit 5 (of the first layer), or of unit 7 (of the second). */
const [ITEM, UNIT_0, UNIT_1] = [2, 5, 7];
const STAKE = ethers.parseEther("20000");

/** A width-width-10 network on a batch of BATCH, with a realistic requantization (see bench/mlp.ts). */
function network(width: number): MlpParams {
  const multiplier = Math.round((2 ** 31 * 32) / (Math.sqrt(width) * 74 * 74));
  return {
    batch: BATCH,
    inputs: width,
    layers: [
      { outputs: width, multiplier, shift: 31, activation: Activation.RELU },
      { outputs: 10, multiplier, shift: 31, activation: Activation.IDENTITY },
    ],
  };
}

interface StructLog {
  readonly gas: number;
  readonly gasCost: number;
  readonly depth: number;
}

/** Gas a call executes (no intrinsic or calldata cost): the gas left at its first step less the gas left after its last. */
async function executionGas(to: string, data: string): Promise<number> {
  const trace = (await hardhatNetwork.provider.send("debug_traceCall", [
    { to, data },
    "latest",
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { failed: boolean; structLogs: StructLog[] };
  if (trace.failed) throw new Error(`the traced call to ${to} failed`);
  const [first, last] = [trace.structLogs[0], trace.structLogs[trace.structLogs.length - 1]];
  return first.gas - (last.gas - last.gasCost);
}

/** The checker registered for mlp-i8, or one deployed and registered through the DAO's timelock. */
async function mlpChecker(f: WeftFixture): Promise<string> {
  const registered = await f.DisputeManager.checker(mlpI8.id);
  if (registered !== ethers.ZeroAddress) return registered;
  const checker = await ethers.deployContract("MlpI8Checker");
  const address = await checker.getAddress();
  await (await f.DisputeManager.connect(f.timelock).setChecker(mlpI8.id, address)).wait();
  return address;
}

export async function measureMlpProofs(
  widths: readonly number[],
  progress: (line: string) => void,
): Promise<MlpProofPoint[]> {
  const f = await deployWeftFixture();
  const checker = await ethers.getContractAt("MlpI8Checker", await mlpChecker(f));
  const { challenger, providers, registry } = await proofPathSetup(f);
  const points: MlpProofPoint[] = [];
  let next = 0;
  for (const width of widths) {
    const params = network(width);
    const inputs = encodeMlpInputs(encodeModel(generateMlpModel(params, width)), generateMlpBatch(params, width));
    const decoded = decodeMlpInputs(params, inputs);
    const correct = encodeMlpOutput(params, runMlp(decoded.model, decoded.batch, params.batch));
    const inputRoot = new MlpInputTree(decoded).root;
    const encodedParams = mlpParamsCodec.encode(params);
    const layout = mlpOutputLayout(params);
    for (const [layer, unit] of [
      [0, UNIT_0],
      [1, UNIT_1],
    ]) {
      // The provider commits to one activation off: a byte XOR 0x11 changes its value, whatever it was.
      const output = correct.slice();
      output[activationByte(layout, layer, ITEM, unit)] ^= 0x11;
      const tree = new ResultTree(output);
      const job = { name: "mlp-i8" as const, workload: mlpI8, params };
      const base = { jobId: 0n, job, inputRoot, resultRoot: tree.root };
      const verdict = checkMlp(
        { ...base, inputs: { ok: true, bytes: inputs }, output: { ok: true, bytes: output } },
        params,
        inputs,
        { bytes: output, tree },
      );
      if (verdict.verdict !== "finding" || verdict.finding.kind !== "wrong-value") {
        throw new Error(`checkMlp misses the wrong activation of layer ${layer} at width ${width}`);
      }
      const { finding } = verdict;
      if (
        finding.layer !== layer ||
        finding.accumulator ||
        finding.element !== ITEM * params.layers[layer].outputs + unit
      ) {
        throw new Error(`checkMlp names layer ${finding.layer} element ${finding.element}, not the one changed`);
      }
      const proof = encodeFraudProof(finding);

      const checkTx = await checker.check.populateTransaction(inputRoot, tree.root, encodedParams, proof);
      const checkExecutionGas = await executionGas(checkTx.to, checkTx.data);
      const checkCalldataFloor = EVM.txBase + calldataGas(checkTx.data).floor;
      const checkGas = Math.max(
        EVM.txBase + calldataGas(checkTx.data).standard + checkExecutionGas,
        checkCalldataFloor,
      );
      const verdictOnChain = await checker.check(inputRoot, tree.root, encodedParams, proof);
      if (!verdictOnChain.fraud) throw new Error(`MlpI8Checker rejects the proof at width ${width}, layer ${layer}`);

      const provider = providers[next++];
      await (await f.ComputeToken.transfer(provider.address, STAKE)).wait();
      await (await f.ProviderRegistry.connect(provider).register(PROFILE)).wait();
      await (await f.ComputeToken.connect(provider).approve(registry, STAKE)).wait();
      await (await f.ProviderRegistry.connect(provider).stake(STAKE)).wait();
      const overrides = { workloadId: mlpI8.id, params: encodedParams, inputRoot };
      const id = await submittedJob(f, f.client, provider, overrides, tree.root);
      const disputes = f.DisputeManager.connect(challenger);
      const commitTx = await disputes.commitProof(
        id,
        await jobTerms(f, id),
        proofCommitment(challenger.address, id, proof),
      );
      const commit = await commitTx.wait();
      const disputeId = await disputes.disputeCount();
      const revealTx = await disputes.revealProof(disputeId, await jobTerms(f, id), encodedParams, proof);
      const reveal = await revealTx.wait();
      const [commitGas, revealGas] = [Number(commit!.gasUsed), Number(reveal!.gasUsed)];
      const floor = proofPathFloor(commitTx.data, revealTx.data);
      const point: MlpProofPoint = {
        width,
        layer,
        network: `${width}-${width}-10 x ${BATCH}`,
        checkExecutionGas,
        checkGas,
        checkCalldataFloor,
        gas: commitGas + revealGas,
        commitGas,
        revealGas,
        proofBytes: hexBytes(proof),
        floor,
      };
      points.push(point);
      const fmt = (x: number) => x.toLocaleString("en-US");
      progress(
        `gas: mlp proof width=${width} layer=${layer}: check ${fmt(checkExecutionGas)} executed, ${fmt(checkGas)} as a ` +
          `transaction (floor ${fmt(checkCalldataFloor)}); ` +
          `commit + reveal ${fmt(commitGas)} + ${fmt(revealGas)} = ${fmt(point.gas)} (floor ${fmt(floor.path)}, ` +
          `reveal calldata floor ${fmt(floor.revealCalldata)})`,
      );
    }
  }
  return points;
}
