import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

import { expect } from "chai";
import { ethers } from "ethers";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";

import { jobStatusName } from "../../src/chain/jobs";
import { disputeStatusName } from "../../src/chain/disputes";
import { readAddressBook } from "../../src/deploy/addressBook";
import { startLocalNode, type LocalNode } from "../../src/deploy/local-node";
import { connectSystem, type WeftSystem } from "../../src/deploy/system";
import { stateOf } from "../../src/dao/governor";
import { shortProposalId } from "../../src/dao/proposals";
import { formatWeft } from "../../src/jobs/amounts";
import { formatBps } from "../../src/markdown";
import { launchChromium, onlyWithBrowser } from "../helpers/browser";
import { execHardhat, ROOT } from "../helpers/cli";

/** Where each page's screenshot is kept as the run's artifact; UPDATE_SCREENSHOTS=1 also refreshes README's. */
const ARTIFACTS = path.join(ROOT, "test-results", "explorer");
const README_SCREENSHOTS = path.join(ROOT, "docs", "explorer");
/** The screenshots README shows. */
const IN_README = new Set(["overview", "job-slashed", "receipts", "proposals", "jobs-phone"]);
/** How long the page may take to show a block the node has mined: the explorer polls every 2 s locally. */
const LIVE_UPDATE_MS = 20_000;

/**
 * The explorer as its users see it: `npm run demo -- --network localhost` on a node this suite starts, then
 * `npx hardhat explorer` serving it, read by a headless Chromium. Every figure a page shows is compared with what
 * the chain says, read here with view calls.
 */
describe("Weft Explorer in a browser, on the demo's deployment", function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;
  let explorer: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  let system: WeftSystem;
  let env: NodeJS.ProcessEnv;
  let workDir: string;

  const screenshot = async (name: string) => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === "1" && IN_README.has(name)) {
      fs.mkdirSync(README_SCREENSHOTS, { recursive: true });
      fs.copyFileSync(file, path.join(README_SCREENSHOTS, `${name}.png`));
    }
  };
  const text = (testId: string) => page.getByTestId(testId).first().innerText();
  const open = async (hash: string, ready: string) => {
    await page.goto(`${url}${hash}`);
    await page.getByTestId(ready).first().waitFor();
  };

  before(async function () {
    const chromium = onlyWithBrowser(this);
    node = await startLocalNode(ROOT);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-explorer-"));
    env = { ...process.env, LOCALHOST_RPC_URL: node.url, WEFT_DEPLOYMENTS_DIR: workDir };
    const demo = await execHardhat(["demo", "--network", "localhost", "--out", path.join(workDir, "demo")], env);
    expect(demo.code, demo.stdout + demo.stderr).to.equal(0);
    expect(demo.stdout).to.include("npx hardhat explorer --network localhost");
    const book = readAddressBook("localhost", workDir);
    system = connectSystem(book.contracts, new ethers.JsonRpcProvider(node.url));
    url = await startExplorer(env, path.join(workDir, "explorer-state"), (child) => (explorer = child));
    browser = await launchChromium(chromium);
    // A context of its own, not browser.newPage()'s: axe-core opens a second page in the context of the page it checks.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  after(async function () {
    await browser?.close();
    explorer?.kill();
    await node?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const jobStates = async () => {
    const count = Number(await system.JobEscrow.jobCount());
    const ids = Array.from({ length: count }, (_, i) => BigInt(i + 1));
    return Promise.all(
      ids.map(async (id) => [id, jobStatusName(Number(await system.JobEscrow.jobStatus(id)))] as const),
    );
  };

  it("overview: total stake, providers, jobs by state, disputes and proposals as the chain counts them", async function () {
    await open("#/", "total-stake");
    const states = await jobStates();
    expect(await text("total-stake")).to.equal(formatWeft(await system.ProviderRegistry.totalStake()));
    expect(await text("jobs-count")).to.equal(String(states.length));
    expect(await text("providers-count")).to.equal("3");
    for (const state of ["Finalized", "Slashed"]) {
      expect(await text(`job-state-${state}`), state).to.equal(String(states.filter(([, s]) => s === state).length));
    }
    expect(await text("open-disputes")).to.equal("0");
    for (const chart of ["chart-jobs-by-state", "chart-epochs", "chart-slashes"]) {
      await page.getByTestId(chart).locator("canvas").first().waitFor();
    }
    await screenshot("overview");
  });

  it("jobs: every job's state as the escrow stores it, and a filter by state", async function () {
    await open("#/jobs", "job-row-1");
    const states = await jobStates();
    for (const [id, state] of states) expect(await text(`job-row-${id}`), `job ${id}`).to.include(state);
    await screenshot("jobs");
    await page.getByLabel("State").selectOption("Slashed");
    const slashed = states.filter(([, s]) => s === "Slashed").length;
    expect(await settled(() => page.locator('[data-testid^="job-row-"]').count(), slashed)).to.equal(slashed);
  });

  it("a slashed job: its state, its dispute settled against the provider, and the timeline of the fraud proof", async function () {
    const [slashed] = (await jobStates()).filter(([, state]) => state === "Slashed");
    await open(`#/jobs/${slashed[0]}`, "job-state");
    expect(await text("job-state")).to.equal("Slashed");
    const timeline = await page.getByTestId("timeline").innerText();
    for (const event of ["JobCreated", "ResultSubmitted", "DisputeOpened", "DisputeSettled"]) {
      expect(timeline).to.include(event);
    }
    const disputeRow = page.locator('[data-testid^="dispute-row-"]').first();
    const disputeId = (await disputeRow.getAttribute("data-testid"))!.replace("dispute-row-", "");
    const dispute = await system.DisputeManager.dispute(disputeId);
    expect(await disputeRow.innerText()).to.include(disputeStatusName(Number(dispute.status)));
    await screenshot("job-slashed");
  });

  it("a finalized job and the gallery: each receipt's image as the receipt NFT draws it", async function () {
    const finalized = (await jobStates()).filter(([, state]) => state === "Finalized");
    await open(`#/jobs/${finalized[0][0]}`, "job-state");
    expect(await text("job-state")).to.equal("Finalized");
    const image = await page.getByAltText(`Receipt of job ${finalized[0][0]}`).getAttribute("src");
    const uri = await system.ComputeReceipt.tokenURI(finalized[0][0]);
    const metadata = JSON.parse(Buffer.from(uri.split(",")[1], "base64").toString()) as { image: string };
    expect(image).to.equal(metadata.image);
    await screenshot("job-finalized");
    await open("#/receipts", "receipts");
    const images = page.getByRole("img", { name: /^Receipt of job \d+$/ });
    expect(await settled(() => images.count(), finalized.length)).to.equal(finalized.length);
    await screenshot("receipts");
  });

  it("providers: each one's stake, free and locked as the registry holds them", async function () {
    await open("#/providers", "providers");
    const rows = page.locator('[data-testid^="provider-row-"]');
    expect(await rows.count()).to.equal(3);
    const addresses = await rows.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute("data-testid")!.replace("provider-row-", "")),
    );
    for (const address of addresses) {
      const state = await system.ProviderRegistry.providerState(address);
      expect(await text(`provider-row-${address}`)).to.include(formatWeft(state.staked));
    }
    await screenshot("providers");
    const slashedOne = await firstSlashed(system, addresses);
    await open(`#/providers/${slashedOne}`, "provider-staked");
    const state = await system.ProviderRegistry.providerState(slashedOne);
    expect(await text("provider-staked")).to.equal(formatWeft(state.staked));
    expect(await text("provider-locked")).to.equal(formatWeft(state.locked));
    expect(await text("provider-free")).to.equal(formatWeft(await system.ProviderRegistry.freeStake(slashedOne)));
    await screenshot("provider");
  });

  it("disputes: each dispute's status as the dispute manager holds it", async function () {
    await open("#/disputes", "disputes");
    const rows = page.locator('[data-testid^="dispute-row-"]');
    expect(await rows.count()).to.equal(2);
    for (const id of ["1", "2"]) {
      const dispute = await system.DisputeManager.dispute(id);
      expect(await text(`dispute-row-${id}`)).to.include(disputeStatusName(Number(dispute.status)));
    }
    await screenshot("disputes");
  });

  it("proposals: the DAO's proposal with its state, votes and the fee it set within the escrow's bounds", async function () {
    const governor = system.ComputeGovernor;
    const [created] = await governor.queryFilter(governor.filters.ProposalCreated());
    const id = created.args.proposalId;
    await open("#/proposals", `proposal-${shortProposalId(id)}`);
    const card = page.getByTestId(`proposal-${shortProposalId(id)}`);
    const [against, votesFor] = await governor.proposalVotes(id);
    expect(await card.getByTestId("proposal-state").innerText()).to.equal(await stateOf(governor, id));
    expect(await card.getByTestId("votes-for").innerText()).to.equal(formatWeft(votesFor));
    expect(await card.getByTestId("votes-against").innerText()).to.equal(formatWeft(against));
    const actions = await card.innerText();
    expect(actions).to.include(formatBps(await system.JobEscrow.protocolFeeBps()));
    expect(actions).to.include(formatBps(await system.JobEscrow.MAX_PROTOCOL_FEE_BPS()));
    await screenshot("proposals");
  });

  it("parameters: each governed value and its bounds as the contracts hold them", async function () {
    await open("#/parameters", "parameter-row-protocolFeeBps");
    const fee = await text("parameter-row-protocolFeeBps");
    expect(fee).to.include(formatBps(await system.JobEscrow.protocolFeeBps()));
    expect(fee).to.include(formatBps(await system.JobEscrow.MAX_PROTOCOL_FEE_BPS()));
    expect(await text("parameter-row-disputeBond")).to.include(formatWeft(await system.DisputeManager.bond()));
    await screenshot("parameters");
  });

  const PAGES: readonly (readonly [string, string])[] = [
    ["#/", "total-stake"],
    ["#/jobs", "jobs"],
    ["#/jobs/1", "job-state"],
    ["#/receipts", "receipts"],
    ["#/providers", "providers"],
    ["#/disputes", "disputes"],
    ["#/proposals", "proposals"],
    ["#/parameters", "parameters"],
  ];

  it("meets WCAG 2 A and AA on every page, as axe-core checks them (labels, contrast, names, structure)", async function () {
    for (const [hash, ready] of PAGES) {
      await open(hash, ready);
      const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      const found = violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
      expect(found, hash).to.deep.equal([]);
    }
  });

  it("fits a phone's width on every page: nothing wider than the screen but the tables' own scroll", async function () {
    const phone = await browser!.newPage({ viewport: { width: 390, height: 844 } });
    try {
      for (const [hash, ready] of PAGES) {
        await phone.goto(`${url}${hash}`);
        await phone.getByTestId(ready).first().waitFor();
        const overflow = await phone.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
        expect(overflow, hash).to.be.at.most(0);
      }
    } finally {
      await phone.close();
    }
  });

  it("works from the keyboard: the navigation links take focus in order and open their page with Enter", async function () {
    await open("#/", "total-stake");
    const names: string[] = [];
    for (let i = 0; i < 12 && !names.includes("Parameters"); i++) {
      await page.keyboard.press("Tab");
      names.push(await page.evaluate<string>('document.activeElement?.textContent?.trim() ?? ""'));
    }
    expect(names).to.include.members(["Jobs", "Receipts", "Providers", "Disputes", "Proposals", "Parameters"]);
    await page.keyboard.press("Enter");
    await page.getByTestId("parameters").waitFor();
    expect(new URL(page.url()).hash).to.equal("#/parameters");
  });

  it("updates the open page live: a job created on the chain appears without a reload", async function () {
    await open("#/jobs", "job-row-1");
    const before = Number(await system.JobEscrow.jobCount());
    const created = await execHardhat(
      [
        "job:create",
        "--network",
        "localhost",
        "--workload",
        "matmul-i8",
        "--shape",
        "8,8,8",
        "--seed",
        "3",
        "--payment",
        "1",
        "--account",
        "1",
      ],
      env,
    );
    expect(created.code, created.stderr).to.equal(0);
    expect(Number(await system.JobEscrow.jobCount())).to.equal(before + 1);
    await page.getByTestId(`job-row-${before + 1}`).waitFor({ timeout: LIVE_UPDATE_MS });
    expect(await text(`job-row-${before + 1}`)).to.include("Open");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot("jobs-phone");
  });
});

/** Starts `npx hardhat explorer` on a free port; resolves with its URL once it serves. */
function startExplorer(
  env: NodeJS.ProcessEnv,
  stateDir: string,
  started: (child: ChildProcess) => void,
): Promise<string> {
  const hardhat = path.join(ROOT, "node_modules", ".bin", "hardhat");
  const args = ["explorer", "--network", "localhost", "--port", "0", "--state-dir", stateDir];
  const child = spawn(hardhat, args, { cwd: ROOT, env });
  started(child);
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        const served = /explorer at (http:\/\/\S+)/.exec(line);
        if (served !== null) resolve(served[1]);
      });
    }
    child.once("exit", (code) => reject(new Error(`explorer exited with ${code}:\n${output.join("\n")}`)));
  });
}

/** `read()` once it gives `expected`, or its last answer after a few seconds (a page still rendering). */
async function settled<T>(read: () => Promise<T>, expected: T): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 50 && value !== expected; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

async function firstSlashed(system: WeftSystem, addresses: readonly string[]): Promise<string> {
  for (const address of addresses) {
    if ((await system.ProviderRegistry.providerState(address)).jobsSlashed > 0n) return address;
  }
  throw new Error("the demo slashed no provider");
}
