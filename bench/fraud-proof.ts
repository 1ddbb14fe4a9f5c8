/**
 * Gas of the proof path: one disputeWithProof transaction (bond in and out, the checker's recomputation, the
 * escrow's refund, the slash split three ways) against a matmul-i8 job of m = n = 64 at k = 256, 1024 and 4096.
 * Writes bench/results/fraud-proof.json. Run: npm run bench:fraud-proof
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import hre, { ethers } from "hardhat";

import { LOCAL_PARAMETERS } from "../config/parameters";
import { MatmulInputTree } from "../src/commitments/matmul-inputs";
import { ResultTree } from "../src/commitments/result-tree";
import { deployWeft } from "../src/deploy/deploy";
import { connectSystem } from "../src/deploy/system";
import { encodeFraudProof } from "../src/disputes/proofs";
import { createJobFromSpec } from "../src/jobs/create";
import { generateInputs, referenceOutput } from "../src/jobs/job-data";
import { parseJobRequest } from "../src/jobs/request";
import { memoryLogger } from "../src/agents/logger";
import { ensureProvider } from "../src/provider/setup";
import { columnOfBEvidence, rowOfAEvidence, wordEvidence } from "../src/verifier/checks/evidence";

const SIZES = [256, 1024, 4096];
const [ROW, COL] = [37, 21];

async function main() {
  const [deployer, client, challenger, ...providers] = await ethers.getSigners();
  const system = connectSystem(await deployWeft(hre, LOCAL_PARAMETERS), deployer);
  for (const account of [client, challenger, ...providers.slice(0, SIZES.length)]) {
    await system.ComputeToken.transfer(account.address, ethers.parseEther("1000000"));
  }
  const store = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-"));
  await system.ComputeToken.connect(challenger).approve(await system.DisputeManager.getAddress(), ethers.MaxUint256);
  const points = [];
  // One provider per size: a slash jails its provider, and each measurement is a provider's first slash.
  for (const [index, k] of SIZES.entries()) {
    const provider = providers[index];
    await ensureProvider(
      system,
      provider,
      { profile: { gpuModel: "H100", vramGb: 80, metadataURI: "" }, minStake: ethers.parseEther("500000") },
      memoryLogger(),
    );
    const request = { workload: "matmul-i8", shape: `64,${k},64`, seed: String(k) };
    const spec = parseJobRequest(request);
    const { jobId } = await createJobFromSpec(system, client, spec, { token: "WEFT", payment: "10", store });
    await system.JobEscrow.connect(provider).acceptJob(jobId);
    const { job } = spec;
    if (job.name !== "matmul-i8") throw new Error("a matmul-i8 job");
    const inputs = generateInputs(job, k);
    const output = await referenceOutput(job, inputs);
    const wordIndex = ROW * 64 + COL;
    output[wordIndex * 4 + 3] ^= 1;
    const result = new ResultTree(output);
    await system.JobEscrow.connect(provider).submitResult(jobId, result.root, "ipfs://withheld");
    const stored = await system.JobEscrow.job(jobId);
    const tree = MatmulInputTree.fromBytes(job.params, inputs);
    const params = (await system.JobEscrow.queryFilter(system.JobEscrow.filters.JobCreated(jobId)))[0].args.params;
    const proof = encodeFraudProof({
      jobId: jobId.toString(),
      workload: job.name,
      params,
      inputRoot: stored.inputRoot,
      resultRoot: stored.resultRoot,
      kind: "wrong-element",
      row: ROW,
      col: COL,
      wordIndex,
      claimed: 0,
      correct: 0,
      rowOfA: rowOfAEvidence(tree, ROW, stored.inputRoot),
      columnOfB: columnOfBEvidence(tree, COL, stored.inputRoot),
      result: wordEvidence(result, wordIndex, stored.resultRoot),
    });
    const tx = await system.DisputeManager.connect(challenger).disputeWithProof(jobId, params, proof);
    const receipt = await tx.wait();
    points.push({ k, m: 64, n: 64, gas: Number(receipt!.gasUsed), proofBytes: (proof.length - 2) / 2 });
    console.log(`disputeWithProof m=n=64 k=${k}: ${receipt!.gasUsed} gas (${(proof.length - 2) / 2} proof bytes)`);
  }
  fs.rmSync(store, { recursive: true, force: true });
  const file = path.join(__dirname, "results", "fraud-proof.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const result = { command: "npm run bench:fraud-proof", date: new Date().toISOString(), fraudProof: points };
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
