import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { JobStatus, readSubmittedResult } from "../../src/chain/jobs";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { parseJobRequest, type JobRequestArgs } from "../../src/jobs/request";
import type { CheatConfig } from "../../src/provider/cheat";
import { fetchContent } from "../../src/store/factory";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { EvidenceFileSink } from "../../src/verifier/sinks";
import type { Finding } from "../../src/verifier/verdict";
import { Verifier } from "../../src/verifier/verifier";
import { createDirectedJob, startProviderAgent } from "../fixtures/agents";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";

const MATMUL: JobRequestArgs = { workload: "matmul-i8", shape: "24,40,36", seed: "11" };
const MANDELBROT: JobRequestArgs = { workload: "mandelbrot-q", tile: "-2,-1.25,0.078125,32,32,64" };

/** The indices of the 32-bit words in which two outputs differ. */
function differingWords(a: Uint8Array, b: Uint8Array): number[] {
  const words: number[] = [];
  for (let offset = 0; offset < a.length; offset += 4) {
    if (Buffer.compare(a.subarray(offset, offset + 4), b.subarray(offset, offset + 4)) !== 0) words.push(offset / 4);
  }
  return words;
}

describe("Provider agents and the verifier, together (in-process network)", function () {
  let f: WeftFixture;
  let dir: string;

  beforeEach(async function () {
    f = await loadFixture(deployWeftFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-agents-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const startProvider = (signer: HardhatEthersSigner, name: string, cheat?: CheatConfig) =>
    startProviderAgent(f, dir, signer, name, cheat);
  const createJob = (request: JobRequestArgs, provider: HardhatEthersSigner) =>
    createDirectedJob(f, dir, request, provider);

  it("settles an honest agent's jobs and flags a flip-one cheater's job with the exact wrong element", async function () {
    const honest = await startProvider(f.provider, "honest");
    const cheater = await startProvider(f.provider2, "cheater", { mode: "flip-one", rate: 1, random: () => 0.37 });
    const honestJobs = [await createJob(MATMUL, f.provider), await createJob(MANDELBROT, f.provider)];
    const cheatedJob = await createJob(MATMUL, f.provider2);

    await honest.tick();
    await cheater.tick();
    for (const id of [...honestJobs, cheatedJob]) expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Submitted);

    const stateDir = path.join(dir, "verifier");
    const verifier = await Verifier.open({
      escrow: f.JobEscrow,
      provider: ethers.provider,
      stateDir,
      startBlock: 0,
      deploymentBlock: 0,
      confirmations: 0,
      maxBlockRange: 1_000,
      sink: EvidenceFileSink.inStateDir(stateDir),
      metrics: new VerifierMetrics(),
      logger: memoryLogger(),
      check: { mandelbrot: { full: true } },
    });
    await verifier.tick();

    const findings = fs.readdirSync(path.join(stateDir, "findings"));
    expect(findings).to.deep.equal([`job-${cheatedJob}.json`]);
    const finding = JSON.parse(fs.readFileSync(path.join(stateDir, "findings", findings[0]), "utf8")) as Finding;
    if (finding.kind !== "wrong-element") expect.fail(`expected a wrong-element finding, got ${finding.kind}`);

    // The element the verifier names is the one word where the cheater's published output differs from the truth.
    const job = parseJobRequest(MATMUL).job;
    const correct = await referenceOutput(job, generateInputs(job, 11));
    const submitted = await readSubmittedResult(f.JobEscrow, cheatedJob, 0);
    const published = await fetchContent(submitted!.resultURI);
    const [wrongWord] = differingWords(published, correct);
    expect(differingWords(published, correct)).to.have.length(1);
    const n = 36;
    expect([finding.row, finding.col]).to.deep.equal([Math.floor(wrongWord / n), wrongWord % n]);
    const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(finding.claimed).to.equal(view(published).getInt32(wrongWord * 4));
    expect(finding.correct).to.equal(view(correct).getInt32(wrongWord * 4));

    // After the challenge window the honest agent finalizes its jobs: paid, and the client holds the receipts.
    await time.increase(f.parameters.escrow.challengeWindow);
    await honest.tick();
    for (const id of honestJobs) {
      expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Finalized);
      expect(await f.ComputeReceipt.ownerOf(id)).to.equal(f.client.address);
    }
  });
});
