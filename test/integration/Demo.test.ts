import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { PNG } from "pngjs";

import { disputeKindName } from "../../src/chain/disputes";
import { JobStatus } from "../../src/chain/jobs";
import { digitsCount, SMALL_SIZE, pictureTile } from "../../apps/demo/plan";
import { loadDigitsDemo } from "../../apps/demo/inference";
import { int8Predictions } from "../../apps/digits/evaluate";
import { type DemoResult, runDemo } from "../../apps/demo/scenario";
import { renderIterationsPng } from "../../src/workloads/mandelbrot-q/image";
import { renderMandelbrotTile } from "../../src/workloads/mandelbrot-q/tile";
import { expectUserError } from "../helpers/errors";
import { CallCounter } from "../helpers/call-counter";
import { ethers } from "ethers";
import { jobStatusName } from "../../src/chain/jobs";
import { readAddressBook } from "../../src/deploy/addressBook";
import { connectSystem, type WeftSystem } from "../../src/deploy/system";
import type { Overview } from "../../src/explorer/api";
import { ExplorerFollower } from "../../src/explorer/follower";
import type { ScanProgress } from "../../src/chain/logs";
import { buildExplorerAssets } from "../../apps/explorer/assets";
import { startExplorerServer } from "../../apps/explorer/server";
import { NotFoundError } from "../../src/explorer/reader";
import { formatWeft } from "../../src/jobs/amounts";
import { formatBps } from "../../src/markdown";

describe("The demo (npm run demo's scenario, small size, in-process network)", function () {
  let outDir: string;
  let result: DemoResult;
  const lines: string[] = [];

  before(async function () {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-demo-"));
    result = await runDemo(hre, { seed: 7, outDir, size: SMALL_SIZE, write: (line) => lines.push(line) });
  });

  after(function () {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  const provider = (name: string) => result.providers.find((p) => p.name === name)!;

  it("brings about every expected outcome and reports none failed", function () {
    expect(result.failedStep, lines.join("\n")).to.equal(undefined);
    expect(result.ok).to.equal(true);
    expect(result.checks.filter((check) => !check.ok)).to.deep.equal([]);
    expect(lines.filter((line) => /^✔ \d+\. /.test(line)).length).to.equal(12);
  });

  it("slashes the flip-hidden cheater by a fraud proof and the withholder through the withheld-data path, refunding the client", function () {
    const slashed = result.jobs.filter((job) => job.status === JobStatus.Slashed);
    expect(slashed.map((job) => [job.plan.provider, job.verdict, disputeKindName(job.dispute!.kind)])).to.deep.equal([
      ["RTX 4090", "wrong-value", "Proof"],
      ["A100", "output-unavailable", "Withheld"],
    ]);
    for (const job of slashed) {
      expect(job.refund).to.equal(job.payment);
      expect(job.dispute!.slashed).to.be.greaterThan(10n * job.payment);
      // One dispute each, the verifier's: create, accept, submit, then commit + reveal, or open + resolve.
      expect(job.dispute!.count).to.equal(1);
      expect(job.transactions).to.equal(5);
    }
    const step7 = lines.slice(lines.findIndex((line) => /^✔ 7\. /.test(line)));
    expect(step7.some((line) => /commitProof in block \d+/.test(line))).to.equal(true);
    expect(step7.some((line) => /revealProof in block \d+/.test(line))).to.equal(true);
    expect(step7.some((line) => /resolve\(\d+\) by the verifier/.test(line))).to.equal(true);
    for (const name of ["RTX 4090", "A100"]) {
      expect(provider(name).jobsSlashed).to.equal(1);
      expect(provider(name).stakeAfter).to.be.lessThan(provider(name).stakeBefore);
    }
    expect(provider("H100").jobsSlashed).to.equal(0);
    expect(provider("H100").stakeAfter).to.equal(provider("H100").stakeBefore);
  });

  it("finalizes every honest job, pays its provider the payment minus the fee, and saves its receipt's SVG", function () {
    const honest = result.jobs.filter((job) => job.plan.expected === "finalized");
    expect(honest.length).to.equal(result.jobs.length - 2);
    for (const job of honest) {
      expect(job.status).to.equal(JobStatus.Finalized);
      expect(job.verdict).to.equal("valid");
      expect(job.settlement!.payout + job.settlement!.fee).to.equal(job.payment);
    }
    expect(result.receipts.map((receipt) => receipt.jobId)).to.deep.equal(honest.map((job) => job.id));
    for (const receipt of result.receipts) {
      expect(receipt.owner).to.equal(honest[0].client);
      expect(path.basename(receipt.file)).to.equal(`receipt-${receipt.jobId}.svg`);
      expect(fs.readFileSync(receipt.file, "utf8")).to.match(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  });

  it("assembles mandelbrot.png from the providers' tiles into exactly the picture rendered whole", function () {
    const { width, height, maxIter } = SMALL_SIZE.picture;
    const bytes = fs.readFileSync(path.join(outDir, "mandelbrot.png"));
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height]).to.deep.equal([width, height]);
    const whole = renderIterationsPng(renderMandelbrotTile(pictureTile(SMALL_SIZE.picture)), width, height, maxIter);
    expect(bytes.equals(whole)).to.equal(true);
    const tileMakers = result.jobs.filter((job) => job.plan.placement !== undefined).map((job) => job.plan.provider);
    expect(new Set(tileMakers)).to.deep.equal(new Set(["H100", "RTX 4090", "A100"]));
  });

  it("runs the digit reader across the three providers and reads every digit of their settled jobs", async function () {
    const inference = result.jobs.filter((job) => job.plan.batchPart !== undefined);
    const settled = inference.filter((job) => job.status === JobStatus.Finalized);
    expect(new Set(settled.map((job) => job.plan.provider))).to.deep.equal(new Set(["H100", "RTX 4090", "A100"]));
    const digits = result.digits!;
    const read = settled.reduce((sum, job) => sum + job.plan.batchPart!.count, 0);
    expect(read).to.equal(3 * SMALL_SIZE.digits.honestPart);
    // The settled jobs' predictions are the reference inference's on the same glyphs.
    const demo = loadDigitsDemo(hre.config.paths.root, 7, digitsCount(SMALL_SIZE));
    const expected = int8Predictions(demo.model.model, demo.glyphs).slice(0, read);
    expect(digits.predicted.slice(0, read)).to.deep.equal(expected);
    expect(digits.int8Accuracy).to.be.at.least(digits.floatAccuracy - 0.03);
    const png = PNG.sync.read(fs.readFileSync(path.join(outDir, "digits.png")));
    expect(png.width).to.be.greaterThan(0);
    // The cheated job's hidden activation was proven wrong on-chain.
    const cheated = inference.find((job) => job.status === JobStatus.Slashed)!;
    expect([cheated.plan.provider, cheated.verdict]).to.deep.equal(["RTX 4090", "wrong-value"]);
  });

  it("pays a reward to every provider with settled work", function () {
    for (const p of result.providers) expect(p.rewards, p.name).to.be.greaterThan(0n);
  });

  it("lowers the protocol fee by the DAO's vote and charges the new fee on the next job", function () {
    const before = result.jobs.filter((job) => job.plan.phase === "honest");
    const after = result.jobs.find((job) => job.plan.phase === "new-fee")!;
    expect(new Set(before.map((job) => job.feeBps))).to.deep.equal(new Set([300]));
    expect(after.feeBps).to.equal(200);
    expect(after.settlement!.fee).to.equal((after.payment * 200n) / 10_000n);
  });

  it("conserves WEFT: the supply grows by exactly the rewards claimed and every contract holds what it owes", function () {
    const conservation = result.conservation!;
    const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);
    expect(conservation.checks.every((check) => check.ok)).to.equal(true);
    expect(sum(conservation.end.balances)).to.equal(conservation.end.totalSupply);
    expect(conservation.end.totalSupply - conservation.start.totalSupply).to.equal(
      sum(result.providers.map((p) => p.rewards)),
    );
  });

  it("refuses to empty an output directory it did not make", async function () {
    const foreign = fs.mkdtempSync(path.join(os.tmpdir(), "weft-demo-foreign-"));
    fs.writeFileSync(path.join(foreign, "notes.txt"), "mine");
    try {
      await expectUserError(
        runDemo(hre, { seed: 1, outDir: foreign, size: SMALL_SIZE, write: () => undefined }),
        /not empty and was not made by the demo/,
      );
      expect(fs.readFileSync(path.join(foreign, "notes.txt"), "utf8")).to.equal("mine");
    } finally {
      fs.rmSync(foreign, { recursive: true, force: true });
    }
  });

  describe("the explorer, reading the demo's chain", function () {
    let follower: ExplorerFollower;
    let system: WeftSystem;
    let stateDir: string;
    const firstRead: ScanProgress[] = [];

    const openFollower = async () => {
      const book = readAddressBook("hardhat", path.join(outDir, "deployments"));
      system = connectSystem(book.contracts, hre.ethers.provider);
      const opened = await ExplorerFollower.open({
        system,
        provider: hre.ethers.provider,
        network: "hardhat",
        deploymentBlock: book.deploymentBlock,
        stateDir,
        confirmations: 0,
        maxBlockRange: 50,
        onProgress: (progress) => firstRead.push(progress),
      });
      await opened.tick();
      return opened;
    };

    before(async function () {
      stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-explorer-"));
      follower = await openFollower();
    });

    after(function () {
      fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("reads the history once, in ranges of at most --max-block-range blocks, saying how far it got", function () {
      const last = firstRead[firstRead.length - 1];
      expect(last.scannedBlocks).to.equal(last.totalBlocks);
      expect(firstRead.length).to.equal(Math.ceil(last.totalBlocks / 50));
    });

    it("builds every job's state from its events alone, as the escrow stores it", async function () {
      const rows = await follower.reader.jobs();
      expect(rows.length).to.equal(Number(await system.JobEscrow.jobCount()));
      for (const row of rows) {
        expect(row.state, `job ${row.id}`).to.equal(jobStatusName(Number(await system.JobEscrow.jobStatus(row.id))));
      }
      const overview = await follower.reader.overview();
      expect(overview.jobs).to.equal(rows.length);
      expect(overview.jobsByState.Slashed).to.equal(2);
      expect(overview.jobsByState.Finalized).to.equal(result.jobs.length - 2);
      expect(overview.totalStake.text).to.equal(formatWeft(await system.ProviderRegistry.totalStake()));
      expect(overview.providers).to.equal(3);
      expect(overview.slashes.map((slash) => slash.jobId)).to.have.members(
        result.jobs.filter((job) => job.status === JobStatus.Slashed).map((job) => job.id.toString()),
      );
    });

    it("adds up each epoch's protocol fees to the fees the finalized jobs paid", async function () {
      const { epochs } = await follower.reader.overview();
      const fees = epochs.reduce((sum, epoch) => sum + BigInt(epoch.fees.raw), 0n);
      const paid = result.jobs.reduce((sum, job) => sum + (job.settlement?.fee ?? 0n), 0n);
      expect(fees).to.equal(paid);
      expect(epochs.reduce((sum, epoch) => sum + BigInt(epoch.claimed.raw), 0n)).to.equal(
        result.providers.reduce((sum, p) => sum + p.rewards, 0n),
      );
    });

    it("shows a slashed job's dispute step by step on its timeline, and an honest job's receipt", async function () {
      const cheated = result.jobs.find((job) => job.verdict === "wrong-value")!;
      const page = await follower.reader.job(cheated.id);
      expect(page.job.state).to.equal("Slashed");
      expect(page.timeline.map((entry) => entry.event)).to.deep.equal([
        "JobCreated",
        "JobAccepted",
        "ResultSubmitted",
        "JobDisputed",
        "DisputeOpened",
        "FraudProven",
        "DisputeResolved",
        "DisputeSettled",
      ]);
      expect(page.disputes.map((d) => [d.kind, d.status])).to.deep.equal([["Proof", "ProviderAtFault"]]);
      const honest = result.receipts[0];
      const receipt = (await follower.reader.job(honest.jobId)).receipt!;
      expect(receipt.owner).to.equal(honest.owner);
      expect(receipt.image).to.match(/^data:image\/svg\+xml;base64,/);
      expect(Buffer.from(receipt.image.split(",")[1], "base64").toString()).to.equal(
        fs.readFileSync(honest.file, "utf8"),
      );
      expect((await follower.reader.receipts()).map((card) => card.jobId)).to.have.members(
        result.receipts.map((r) => r.jobId.toString()),
      );
    });

    it("shows each provider's stake and counters as the registry holds them", async function () {
      for (const row of await follower.reader.providers()) {
        const state = await system.ProviderRegistry.providerState(row.address);
        expect([row.staked.text, row.jobsSlashed]).to.deep.equal([formatWeft(state.staked), Number(state.jobsSlashed)]);
        const page = await follower.reader.provider(row.address.toLowerCase());
        expect(page.free.text).to.equal(formatWeft(await system.ProviderRegistry.freeStake(row.address)));
        expect(page.jobs.every((job) => job.provider === row.address)).to.equal(true);
      }
      const rejection = (attempt: Promise<unknown>) =>
        attempt.then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(await rejection(follower.reader.provider(ethers.ZeroAddress))).to.be.instanceOf(NotFoundError);
      expect(await rejection(follower.reader.job(10_000n)))
        .to.be.instanceOf(NotFoundError)
        .with.property("message")
        .that.matches(/^No job 10000 /);
    });

    it("decodes the DAO's executed proposal: the fee it set, now in force, within the escrow's bounds", async function () {
      const [proposal] = await follower.reader.proposals();
      expect(proposal.state).to.equal("Executed");
      expect(proposal.command).to.equal(undefined);
      const fee = proposal.actions.find((action) => action.parameter?.name === "protocolFeeBps")!.parameter!;
      expect([fee.current.text, fee.proposed.text, fee.min.text, fee.max.text]).to.deep.equal([
        "2.00%",
        "2.00%",
        "0.00%",
        formatBps(await system.JobEscrow.MAX_PROTOCOL_FEE_BPS()),
      ]);
      const parameters = await follower.reader.parameters();
      expect(parameters.find((p) => p.name === "protocolFeeBps")!.value.text).to.equal("2.00%");
    });

    it("serves the page, each page's JSON, a 404 that says why, and an event to open pages when a block is indexed", async function () {
      const assets = await buildExplorerAssets({ title: "Weft Explorer · test" });
      const server = await startExplorerServer(follower.reader, assets, {
        port: 0,
        host: "127.0.0.1",
        head: () => follower.head,
      });
      try {
        const page = await fetch(server.url);
        expect([page.status, page.headers.get("content-type")]).to.deep.equal([200, assets.get("/")!.contentType]);
        expect(await page.text()).to.include('<div id="app">');
        const overview = (await (await fetch(`${server.url}api/overview`)).json()) as Overview;
        expect(overview.jobs).to.equal(result.jobs.length);
        const missing = await fetch(`${server.url}api/jobs/10000`);
        expect([missing.status, ((await missing.json()) as { error: string }).error]).to.deep.equal([
          404,
          `No job 10000 in blocks up to ${follower.head.indexed}.`,
        ]);
        expect((await fetch(`${server.url}api/overview`, { method: "POST" })).status).to.equal(405);

        const events = await fetch(`${server.url}api/events`);
        const reader = events.body!.getReader();
        const next = async () => new TextDecoder().decode((await reader.read()).value);
        expect(await next()).to.equal(`event: indexed\ndata: ${JSON.stringify(follower.head)}\n\n`);
        await hre.network.provider.send("evm_mine", []);
        expect(await follower.tick()).to.equal(true);
        server.indexed(follower.head);
        expect(JSON.parse((await next()).split("data: ")[1]).indexed).to.equal(follower.head.indexed);
        await reader.cancel();
      } finally {
        await server.close();
      }
    });

    it("costs an RPC endpoint one eth_blockNumber per idle poll, and reads a receipt's art once", async function () {
      await follower.tick();
      const counter = new CallCounter();
      try {
        const idle = await counter.during(() => follower.tick());
        expect(idle.byMethod).to.deep.equal({ eth_blockNumber: 1 });
        await follower.reader.receipts();
        const again = await counter.during(() => follower.reader.receipts());
        expect(again.byMethod.eth_call).to.equal(result.receipts.length);
      } finally {
        counter.uninstall();
      }
    });

    it("reopens its index without reading the history again, and shows the same", async function () {
      const before = JSON.stringify(await follower.reader.jobs());
      const reopened = await openFollower();
      expect(reopened.head.indexed).to.equal(follower.head.indexed);
      expect(JSON.stringify(await reopened.reader.jobs())).to.equal(before);
    });
  });
});
