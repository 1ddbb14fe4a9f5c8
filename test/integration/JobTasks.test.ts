import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The tasks read deployments/<network>.json from DEPLOYMENTS_DIR, fixed when src/deploy/addressBook first loads, so
// the variable is set before anything below imports it. (If another test file loaded it first, the address book
// goes to the directory it fixed, and the one found there is restored afterwards.)
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-job-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { mandelbrotInputRoot } from "../../src/commitments/mandelbrot-inputs";
import { generateInputs } from "../../src/jobs/job-data";
import { formatMoment } from "../../src/markdown";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { fetchContent } from "../../src/store/factory";
import { FileContentStore } from "../../src/store/fs-store";
import { HttpContentStore } from "../../src/store/http-store";
import { toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME } from "../../src/workloads/matmul-i8/shape";
import { matmulI8, mandelbrotQ } from "../../src/workloads/registry";
import { FalseReturningERC20__factory, TestERC20__factory } from "../../typechain-types";
import { JobStatus, RESULT_ROOT, jobTerms, registerAndStake } from "../fixtures/jobs";
import { USD_WEFT_PER_TOKEN, deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/job/create";
import "../../tasks/job/status";
import "../../tasks/job/finalize";
import "../../tasks/store/serve";
import { readJob } from "../../src/chain/jobs";

const CLIENT_ACCOUNT = "1";
const SHAPE = { m: 4, k: 8, n: 3 };
const MATMUL_JOB = { name: MATMUL_I8_NAME, workload: matmulI8, params: SHAPE } as const;
const SEED = 7;

/** Seconds from the chain time the job was created at (the block before its JobCreated event) to its deadline. */
async function durationOf(event: { blockNumber: number; args: { submitDeadline: bigint } }): Promise<bigint> {
  const before = await ethers.provider.getBlock(event.blockNumber - 1);
  return event.args.submitDeadline - BigInt(before!.timestamp);
}

function createdJobId(output: string): bigint {
  const match = /Created job (\d+) \(tx 0x[0-9a-f]{64}, gas \d+, paid by (permit|approve|allowance)\)/.exec(output);
  expect(match, output).not.to.equal(null);
  return BigInt(match![1]);
}

describe("Job tasks", function () {
  let storeDir: string;
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);

  async function deployedFixture(): Promise<WeftFixture & { usdAddress: string }> {
    const f = await loadFixture(deployWeftFixture);
    await registerAndStake(f, f.provider);
    await writeFixtureAddressBook(f);
    return { ...f, usdAddress: await f.usd.getAddress() };
  }

  /** job:create arguments paying 5 tUSD as the client, with inputs published to this test's store. */
  function matmulArgs(f: { usdAddress: string }, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      workload: MATMUL_I8_NAME,
      shape: `${SHAPE.m},${SHAPE.k},${SHAPE.n}`,
      seed: String(SEED),
      token: f.usdAddress,
      payment: "5",
      account: CLIENT_ACCOUNT,
      store: storeDir,
      ...overrides,
    };
  }

  beforeEach(function () {
    storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-job-store-"));
  });
  afterEach(function () {
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  it("creates, lists, explains and finalizes jobs from the command line", async function () {
    const f = await loadFixture(deployedFixture);
    const client = f.client.address;

    // A matmul job paid in tUSD with a permit: its inputs are published and committed to.
    const matmul = await runTask("job:create", matmulArgs(f));
    expect(matmul).to.include("Generating 56 input bytes from seed 7");
    expect(matmul).to.include("paid by permit");
    const matmulId = createdJobId(matmul);
    const inputs = generateInputs(MATMUL_JOB, SEED);
    const stored = await readJob(f.JobEscrow, matmulId);
    expect(stored.client).to.equal(client);
    expect(stored.status).to.equal(JobStatus.Open);
    expect(stored.payment).to.equal(ethers.parseEther("5"));
    expect(stored.inputRoot).to.equal(inputRootOf(MATMUL_JOB, inputs));
    expect(stored.paramsHash).to.equal(ethers.keccak256(matmulI8.params.encode(SHAPE)));
    const [created] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(matmulId));
    expect(await durationOf(created)).to.equal(3600n);
    expect(Buffer.from(await fetchContent(created.args.inputURI)).equals(Buffer.from(inputs))).to.equal(true);

    // A mandelbrot tile paid in WEFT (the default token): nothing to publish.
    const mandelbrot = await runTask("job:create", {
      workload: "mandelbrot-q",
      tile: "-2,-1.25,0.25,8,6,64",
      payment: "0.5",
      duration: "2h",
      account: CLIENT_ACCOUNT,
      store: storeDir,
    });
    const mandelbrotId = createdJobId(mandelbrot);
    expect(mandelbrot).to.include("Input URI:  (none: the params are the whole input)");
    const tile = {
      x0: toFixedPoint(-2),
      y0: toFixedPoint(-1.25),
      step: toFixedPoint(0.25),
      width: 8,
      height: 6,
      maxIter: 64,
    };
    const mandelbrotJob = await readJob(f.JobEscrow, mandelbrotId);
    expect(mandelbrotJob.inputRoot).to.equal(mandelbrotInputRoot(tile));
    expect(mandelbrotJob.paymentToken).to.equal(await f.ComputeToken.getAddress());
    expect(mandelbrotJob.paramsHash).to.equal(ethers.keccak256(mandelbrotQ.params.encode(tile)));
    const [mandelbrotCreated] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(mandelbrotId));
    expect(await durationOf(mandelbrotCreated)).to.equal(7200n);

    const table = await runTask("job:status", {});
    expect(table).to.match(new RegExp(`│ ${matmulId}\\s+│ Open\\s+│ matmul-i8`));
    expect(table).to.match(new RegExp(`│ ${mandelbrotId}\\s+│ Open\\s+│ mandelbrot-q .*0\\.5 WEFT`));
    for (const line of table.split("\n")) expect([...line].length, line).to.be.at.most(100);
    const latest = await runTask("job:status", { limit: "1" });
    expect(latest).to.include("mandelbrot-q");
    expect(latest).not.to.include("matmul-i8");
    const listed = JSON.parse(await runTask("job:status", { json: true }));
    expect(listed.map((row: { id: string; status: string }) => [row.id, row.status])).to.deep.equal([
      [String(matmulId), "Open"],
      [String(mandelbrotId), "Open"],
    ]);
    expect(listed[1].payment).to.deep.include({ wei: ethers.parseEther("0.5").toString(), formatted: "0.5 WEFT" });
    expect(listed[1].provider).to.equal(null);

    const open = await runTask("job:status", { id: String(matmulId) });
    expect(open).to.match(/status\s+│ Open/);
    expect(open).to.include("waiting for a provider; the result is due");
    expect(open).to.include(`m=4 k=8 n=3`);
    expect(open).to.include("5 tUSD (protocol fee 3%), valued at 5 WEFT");
    expect(open).to.include(created.args.inputURI);
    expect(open).to.include("(minted when finalized)");

    // The provider takes the job and commits to a result; the challenge window starts.
    await f.JobEscrow.connect(f.provider).acceptJob(matmulId, await jobTerms(f, matmulId));
    await f.JobEscrow.connect(f.provider).submitResult(
      matmulId,
      await jobTerms(f, matmulId),
      RESULT_ROOT,
      "file:///results/1",
    );
    const windowEnd = (await readJob(f.JobEscrow, matmulId)).deadline;
    const windowOpen = formatMoment(windowEnd, BigInt(await time.latest())).replace(/[()]/g, "\\$&");
    await expectTaskError(
      "job:finalize",
      { id: String(matmulId) },
      new RegExp(`^Job ${matmulId}'s challenge window is open until ${windowOpen}; finalize after that\\.$`),
    );

    await time.increaseTo(windowEnd);
    const finalized = await runTask("job:finalize", { id: String(matmulId) });
    expect(finalized).to.include(`Finalized job ${matmulId}`);
    expect(finalized).to.include("Provider paid 4.85 tUSD, protocol fee 0.15 tUSD");
    expect(finalized).to.include(`Receipt #${matmulId} minted to ${client}`);
    expect(await f.ComputeReceipt.ownerOf(matmulId)).to.equal(client);
    const settledJson = JSON.parse(await runTask("job:status", { id: String(matmulId), json: true }));
    expect(settledJson).to.deep.include({
      id: String(matmulId),
      status: "Finalized",
      resultRoot: RESULT_ROOT,
      resultURI: "file:///results/1",
      receiptOwner: client,
    });
    expect(settledJson.payment.formatted).to.equal("5 tUSD");
    expect(settledJson.paymentValue).to.deep.equal({ wei: ethers.parseEther("5").toString(), formatted: "5 WEFT" });

    const settled = await runTask("job:status", { id: String(matmulId) });
    expect(settled).to.match(/status\s+│ Finalized/);
    expect(settled).to.include("settled");
    expect(settled).to.include(RESULT_ROOT);
    expect(settled).to.include("file:///results/1");
    expect(settled).to.include(`#${matmulId} owned by ${client}`);
    await expectTaskError("job:finalize", { id: String(matmulId) }, /already Finalized; its receipt is #1/);
  });

  it("creates a directed job from an input file, with the same root as the seed that made it", async function () {
    const f = await loadFixture(deployedFixture);
    const file = path.join(storeDir, "inputs.bin");
    fs.writeFileSync(file, generateInputs(MATMUL_JOB, SEED));
    const output = await runTask(
      "job:create",
      matmulArgs(f, { seed: undefined, inputs: file, provider: f.provider.address }),
    );
    const id = createdJobId(output);
    const job = await readJob(f.JobEscrow, id);
    expect(job.provider).to.equal(f.provider.address);
    expect(job.inputRoot).to.equal(inputRootOf(MATMUL_JOB, generateInputs(MATMUL_JOB, SEED)));
    await expect(f.JobEscrow.connect(f.provider2).acceptJob(id, await jobTerms(f, id))).to.be.revertedWithCustomError(
      f.JobEscrow,
      "NotDirectedProvider",
    );
  });

  it("approves a payment token that states no EIP-712 domain, then creates the job", async function () {
    const f = await loadFixture(deployedFixture);
    const plain = await new FalseReturningERC20__factory(f.deployer).deploy();
    await plain.mint(f.client.address, ethers.parseEther("10"));
    await f.JobEscrow.connect(f.timelock).setPaymentToken(await plain.getAddress(), true, 1n, USD_WEFT_PER_TOKEN);
    const output = await runTask("job:create", matmulArgs(f, { token: await plain.getAddress(), payment: "2" }));
    expect(output).to.include("paid by approve");
    expect((await readJob(f.JobEscrow, createdJobId(output))).payment).to.equal(ethers.parseEther("2"));
    expect(await plain.allowance(f.client.address, await f.JobEscrow.getAddress())).to.equal(0n);
  });

  describe("refuses bad input with one line and creates nothing", function () {
    type Fixture = Awaited<ReturnType<typeof deployedFixture>>;
    const cases: [string, (f: Fixture) => Promise<Record<string, unknown>>, RegExp][] = [
      [
        "an unknown workload",
        async (f) => matmulArgs(f, { workload: "conv2d" }),
        /--workload must be one of matmul-i8, mandelbrot-q, mlp-i8; got "conv2d"/,
      ],
      ["a malformed shape", async (f) => matmulArgs(f, { shape: "4,x,3" }), /--shape must be "m,k,n".*"x" is not/],
      ["a shape with too few dimensions", async (f) => matmulArgs(f, { shape: "4,8" }), /--shape must be "m,k,n"/],
      [
        "a shape beyond the workload's limits",
        async (f) => matmulArgs(f, { shape: "4,70000,3" }),
        /--shape "4,70000,3" is out of range: matmul-i8: k must be/,
      ],
      [
        "both --seed and --inputs",
        async (f) => matmulArgs(f, { inputs: "inputs.bin" }),
        /Give either --seed \(generated inputs\) or --inputs <file>, not both/,
      ],
      [
        "neither --seed nor --inputs",
        async (f) => matmulArgs(f, { seed: undefined }),
        /matmul-i8 needs its inputs: --seed/,
      ],
      [
        "an input file of the wrong size",
        async (f) => {
          const file = path.join(storeDir, "short.bin");
          fs.writeFileSync(file, new Uint8Array(55));
          return matmulArgs(f, { seed: undefined, inputs: file });
        },
        /short\.bin has 55 bytes; shape 4,8,3 needs exactly 56: A \(4x8\) then B \(8x3\)/,
      ],
      [
        "a seed for mandelbrot-q",
        async (f) => matmulArgs(f, { workload: "mandelbrot-q", shape: undefined, tile: "-2,-1,0.25,4,4,16" }),
        /mandelbrot-q takes no --seed: its --tile is its whole input/,
      ],
      [
        "a tile outside the plane",
        async () => ({ workload: "mandelbrot-q", tile: "1.5,0,0.25,8,8,16", payment: "1", account: CLIENT_ACCOUNT }),
        /--tile "1\.5,0,0\.25,8,8,16" is out of range: .*exceeds/,
      ],
      [
        "a token the escrow does not accept",
        async (f) => {
          const other = await new TestERC20__factory(f.deployer).deploy("Other", "OTH");
          await other.mint(f.client.address, ethers.parseEther("100"));
          return matmulArgs(f, { token: await other.getAddress() });
        },
        /OTH \(0x[0-9a-fA-F]{40}\) is not on the escrow's payment allow-list, which the DAO sets/,
      ],
      [
        "a token address with no contract",
        async (f) => matmulArgs(f, { token: f.outsider.address }),
        /0x[0-9a-fA-F]{40} is not a contract on this network; --token must be an ERC-20 token/,
      ],
      [
        "a contract that is not a token",
        async (f) => matmulArgs(f, { token: await f.AccessManager.getAddress() }),
        /0x[0-9a-fA-F]{40} does not answer symbol\(\) and decimals\(\) like an ERC-20 token \(.+\)/,
      ],
      ["a malformed token", async (f) => matmulArgs(f, { token: "USDC" }), /--token must be WEFT or a token address/],
      [
        "a payment below the token's minimum",
        async (f) => matmulArgs(f, { payment: "0.0000000000000001" }),
        /--payment 0\.0000000000000001 tUSD is below the escrow's minimum for tUSD: 0\.000000000000001 tUSD/,
      ],
      [
        "a payment with more decimals than the token",
        async (f) => matmulArgs(f, { token: "WEFT", payment: "1.0000000000000000001" }),
        /--payment must be a positive decimal amount of WEFT with at most 18 decimals/,
      ],
      [
        "a payment the client cannot afford",
        async (f) => matmulArgs(f, { payment: "2000000" }),
        /holds 1,000,000 tUSD; the payment needs 2,000,000 tUSD/,
      ],
      [
        "a malformed duration",
        async (f) => matmulArgs(f, { duration: "soon" }),
        /--duration must be a positive duration/,
      ],
      [
        "a duration beyond the escrow's limit",
        async (f) => matmulArgs(f, { duration: "91d" }),
        /--duration must be at most 7776000 seconds \(90 days\)/,
      ],
      [
        "a malformed provider address",
        async (f) => matmulArgs(f, { provider: "0x1234" }),
        /--provider must be a provider's address/,
      ],
    ];
    for (const [what, args, pattern] of cases) {
      it(`refuses ${what}`, async function () {
        const f = await loadFixture(deployedFixture);
        await expectTaskError("job:create", await args(f), pattern);
        expect(await f.JobEscrow.jobCount()).to.equal(0n);
        expect(fs.readdirSync(storeDir).filter((name) => !name.endsWith(".bin"))).to.deep.equal([]);
      });
    }

    it("refuses a job while the escrow is paused", async function () {
      const f = await loadFixture(deployedFixture);
      await f.JobEscrow.connect(f.guardian).pause();
      await expectTaskError("job:create", matmulArgs(f), /The escrow is paused: no new jobs until a DAO vote/);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);
      expect(fs.readdirSync(storeDir)).to.deep.equal([]);
    });

    it("refuses a malformed or unknown job id", async function () {
      await loadFixture(deployedFixture);
      await expectTaskError("job:status", { id: "abc" }, /--id must be a job id \(1, 2, \.\.\.\); got "abc"/);
      await expectTaskError("job:status", { id: "9" }, /Job 9 does not exist \(the escrow has 0 jobs\)/);
      await expectTaskError("job:finalize", { id: "9" }, /Job 9 does not exist/);
      await expectTaskError("job:status", { limit: "0" }, /--limit must be an integer from 1/);
    });

    it("refuses to finalize a job that has no result yet", async function () {
      const f = await loadFixture(deployedFixture);
      const id = createdJobId(await runTask("job:create", matmulArgs(f)));
      await expectTaskError(
        "job:finalize",
        { id: String(id) },
        /is Open: it can be finalized once a provider has submitted/,
      );
    });
  });

  describe("store:serve", function () {
    it("serves the store over HTTP until interrupted, and job:create publishes to it", async function () {
      const f = await loadFixture(deployedFixture);
      const lines: string[] = [];
      const running = runTask("store:serve", { dir: storeDir, port: "0" }, lines);
      let url: string | undefined;
      for (let tries = 0; url === undefined && tries < 250; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        url = / at (http:\/\/\S+) \(blobs/.exec(lines.join("\n"))?.[1];
      }
      try {
        expect(url, lines.join("\n")).to.be.a("string");
        const local = new FileContentStore(storeDir);
        const published = await local.put(Uint8Array.of(9, 8));
        const hash = published.split("/").at(-1);
        expect(Array.from(await new HttpContentStore(url!).get(`${url}/blobs/${hash}`))).to.deep.equal([9, 8]);

        const id = createdJobId(await runTask("job:create", matmulArgs(f, { store: url })));
        const [created] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(id));
        expect(created.args.inputURI).to.match(new RegExp(`^${url}/blobs/[0-9a-f]{64}$`));
        const inputs = generateInputs(MATMUL_JOB, SEED);
        expect(Buffer.from(await fetchContent(created.args.inputURI)).equals(Buffer.from(inputs))).to.equal(true);
        const stored = await local.get(local.uriFor(created.args.inputURI.split("/").at(-1)!));
        expect(Buffer.from(stored).equals(Buffer.from(inputs))).to.equal(true);
      } finally {
        // Ctrl-C as the task sees it: its own SIGINT handler, the last one added. Emitting SIGINT to the whole
        // process would also reach the test runner's handlers (solidity-coverage's exits the run).
        const stop = process.listeners("SIGINT").at(-1)!;
        stop("SIGINT");
        await running;
      }
      expect(lines.at(-1)).to.match(/\[store\] stopped$/);
    });

    it("refuses a port outside 0..65535", async function () {
      await expectTaskError(
        "store:serve",
        { dir: storeDir, port: "70000" },
        /--port must be an integer from 0 to 65535/,
      );
    });
  });
});
