import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";

import { JobStatus, jobTerms } from "../fixtures/jobs";
import { deployWeftFixture, USD_WEFT_PER_TOKEN, type WeftFixture } from "../fixtures/weft";
import { underCoverage } from "../helpers/coverage";
import type { TestERC20Decimals } from "../../typechain-types";

const MATMUL = ethers.encodeBytes32String("matmul-i8");
const PAYMENT = ethers.parseEther("100");
const ROOT_A = ethers.id("result A");
const ROOT_B = ethers.id("result B");
const SVG_NS = "http://www.w3.org/2000/svg";

type Signer = WeftFixture["client"];

interface JobOptions {
  workloadId?: string;
  payment?: bigint;
  resultRoot?: string;
  /** The payment token (tUSD if not given). */
  paymentToken?: string;
}

/** Registers and stakes `provider` so that it can accept jobs. */
async function registerProvider(f: WeftFixture, provider: Signer, amount = ethers.parseEther("10000")) {
  await f.ProviderRegistry.connect(provider).register({ gpuModel: "RTX 4090", vramGb: 24, metadataURI: "" });
  await f.ComputeToken.connect(provider).approve(await f.ProviderRegistry.getAddress(), amount);
  await f.ProviderRegistry.connect(provider).stake(amount);
}

/** Creates, accepts and submits a job; returns its id. The challenge window starts at submission. */
async function submittedJob(f: WeftFixture, options: JobOptions = {}): Promise<bigint> {
  const payment = options.payment ?? PAYMENT;
  const paymentToken = options.paymentToken ?? (await f.usd.getAddress());
  const token = await ethers.getContractAt("IERC20", paymentToken);
  await token.connect(f.client).approve(await f.JobEscrow.getAddress(), payment);
  const request = {
    workloadId: options.workloadId ?? MATMUL,
    params: ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256", "uint256"], [4, 4, 4]),
    inputRoot: ethers.id("inputs"),
    inputURI: "file://inputs",
    paymentToken,
    payment,
    provider: ZeroAddress,
    submitDeadline: (await time.latest()) + 3600,
  };
  await f.JobEscrow.connect(f.client).createJob(request);
  const jobId = await f.JobEscrow.jobCount();
  await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
  await f.JobEscrow.connect(f.provider).submitResult(
    jobId,
    await jobTerms(f, jobId),
    options.resultRoot ?? ROOT_A,
    "file://result",
  );
  return jobId;
}

/** Drives a job through the escrow to Finalized; returns its id. */
async function settledJob(f: WeftFixture, options: JobOptions = {}): Promise<bigint> {
  const jobId = await submittedJob(f, options);
  await time.increase(f.parameters.escrow.challengeWindow);
  await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
  return jobId;
}

async function withProviderFixture() {
  const f = await loadFixture(deployWeftFixture);
  await registerProvider(f, f.provider);
  return f;
}

async function settledJobFixture() {
  const f = await withProviderFixture();
  const jobId = await settledJob(f);
  return { ...f, jobId };
}

interface Metadata {
  name: string;
  description: string;
  image: string;
  attributes: { trait_type: string; value: string }[];
}

function decodeDataURI(uri: string, mediaType: string): string {
  const prefix = `data:${mediaType};base64,`;
  expect(uri.startsWith(prefix), `not a ${mediaType} base64 data URI: ${uri.slice(0, 40)}`).to.equal(true);
  return Buffer.from(uri.slice(prefix.length), "base64").toString("utf8");
}

async function metadata(f: WeftFixture, jobId: bigint): Promise<Metadata> {
  return JSON.parse(decodeDataURI(await f.ComputeReceipt.tokenURI(jobId), "application/json")) as Metadata;
}

function svgOf(meta: Metadata): string {
  return decodeDataURI(meta.image, "image/svg+xml");
}

function attribute(meta: Metadata, trait: string): string {
  const found = meta.attributes.filter((a) => a.trait_type === trait);
  expect(found, `attribute ${trait}`).to.have.length(1);
  return found[0].value;
}

/**
 * A small strict XML check, enough for the SVG the receipt draws: one root element, every tag well formed with
 * quoted, unique attributes, tags balanced, and no stray '<' or unescaped '&' in text or attribute values.
 * Returns the root's attributes.
 */
function checkWellFormedSvg(xml: string): Record<string, string> {
  const name = "[A-Za-z_][\\w.:-]*";
  const attr = `\\s+(${name})="([^"<&]*|(?:[^"<&]|&(?:amp|lt|gt|quot|apos|#\\d+|#x[0-9a-fA-F]+);)*)"`;
  const tag = new RegExp(`^<(/?)(${name})((?:${attr})*)\\s*(/?)>`);
  const text = /^(?:[^<&]|&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)+/;
  const stack: string[] = [];
  let rootAttributes: Record<string, string> | undefined;
  let rest = xml;
  while (rest.length > 0) {
    if (rest.startsWith("<")) {
      const m = tag.exec(rest);
      if (m === null) throw new Error(`malformed tag at: ${rest.slice(0, 60)}`);
      // The attribute pattern's own groups sit between the tag's attributes and its self-closing slash.
      const [whole, closing, tagName, attributes] = m;
      const selfClosing = m[m.length - 1];
      if (closing !== "") {
        if (attributes !== "" || selfClosing !== "") throw new Error(`malformed closing tag ${whole}`);
        const open = stack.pop();
        if (open !== tagName) throw new Error(`</${tagName}> closes <${open}>`);
      } else {
        const parsed: Record<string, string> = {};
        for (const a of attributes.matchAll(new RegExp(attr, "g"))) {
          if (a[1] in parsed) throw new Error(`duplicate attribute ${a[1]} in ${whole}`);
          parsed[a[1]] = a[2];
        }
        if (stack.length === 0) {
          if (rootAttributes !== undefined) throw new Error("more than one root element");
          if (tagName !== "svg") throw new Error(`root element is <${tagName}>`);
          rootAttributes = parsed;
        }
        if (selfClosing === "") stack.push(tagName);
        else if (stack.length === 0) throw new Error("self-closing root");
      }
      rest = rest.slice(whole.length);
    } else {
      const m = text.exec(rest);
      if (m === null) throw new Error(`stray character at: ${rest.slice(0, 60)}`);
      if (stack.length === 0 && m[0].trim() !== "") throw new Error("text outside the root element");
      rest = rest.slice(m[0].length);
    }
  }
  if (stack.length !== 0) throw new Error(`unclosed <${stack.join("><")}>`);
  if (rootAttributes === undefined) throw new Error("no root element");
  return rootAttributes;
}

/** `timestamp` as the receipt prints it, by JavaScript's calendar (ISO 8601 for years up to 9999). */
function utcMinute(timestamp: bigint): string {
  return `${new Date(Number(timestamp) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** What receipt `jobId` says was paid, checked to be the same in its attributes and its image. */
async function paidText(f: WeftFixture, jobId: bigint): Promise<string> {
  const meta = await metadata(f, jobId);
  const paid = attribute(meta, "paid");
  const svg = svgOf(meta);
  checkWellFormedSvg(svg);
  expect(svg).to.contain(`>paid ${paid}<`);
  return paid;
}

/** Allows `token` as payment (one WEFT per whole token) and funds the client with it. */
async function allowToken(f: WeftFixture, token: TestERC20Decimals, amount: bigint): Promise<string> {
  const address = await token.getAddress();
  await f.JobEscrow.connect(f.timelock).setPaymentToken(address, true, 0n, USD_WEFT_PER_TOKEN);
  await token.mint(f.client.address, amount);
  return address;
}

/** The SVG with the job id taken out: what the result root, payment, provider and settlement time decide. */
function artWithoutJobId(svg: string): string {
  return svg.replace(/WEFT RECEIPT #\d+/, "WEFT RECEIPT #");
}

describe("ComputeReceipt", function () {
  describe("the strict SVG check used below", function () {
    it("accepts well-formed SVG and rejects broken documents", function () {
      expect(
        checkWellFormedSvg(`<svg xmlns="${SVG_NS}"><g a="1"><rect/></g><text>a &amp; b</text></svg>`),
      ).to.deep.equal({ xmlns: SVG_NS });
      for (const bad of [
        `<svg xmlns="${SVG_NS}"><g></svg>`,
        `<svg xmlns="${SVG_NS}"><g></h></svg>`,
        `<svg xmlns="${SVG_NS}"><text>a < b</text></svg>`,
        `<svg xmlns="${SVG_NS}"><text>a & b</text></svg>`,
        `<svg xmlns="${SVG_NS}"><rect x="1" x="2"/></svg>`,
        `<svg xmlns="${SVG_NS}"><rect x=1/></svg>`,
        `<svg xmlns="${SVG_NS}"><rect x="a"b"/></svg>`,
        `<svg xmlns="${SVG_NS}"></svg><svg/>`,
        `<html></html>`,
        `<svg xmlns="${SVG_NS}">`,
      ]) {
        expect(() => checkWellFormedSvg(bad), bad).to.throw();
      }
    });
  });

  describe("deployment", function () {
    it("has its name, symbol and escrow", async function () {
      const { ComputeReceipt, JobEscrow } = await loadFixture(deployWeftFixture);
      expect(await ComputeReceipt.name()).to.equal("Weft Compute Receipt");
      expect(await ComputeReceipt.symbol()).to.equal("WEFTR");
      expect(await ComputeReceipt.escrow()).to.equal(await JobEscrow.getAddress());
      expect(await JobEscrow.receipt()).to.equal(await ComputeReceipt.getAddress());
    });

    it("supports ERC165, ERC721 and ERC721Metadata, and nothing else", async function () {
      const { ComputeReceipt } = await loadFixture(deployWeftFixture);
      expect(await ComputeReceipt.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC165
      expect(await ComputeReceipt.supportsInterface("0x80ac58cd")).to.equal(true); // ERC721
      expect(await ComputeReceipt.supportsInterface("0x5b5e139f")).to.equal(true); // ERC721Metadata
      expect(await ComputeReceipt.supportsInterface("0x780e9d63")).to.equal(false); // ERC721Enumerable
      expect(await ComputeReceipt.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("mint", function () {
    it("mints the receipt to the client at finalize, with tokenId == jobId", async function () {
      const f = await loadFixture(withProviderFixture);
      const first = await settledJob(f);
      const jobId = await submittedJob(f);
      expect(jobId).to.equal(first + 1n);
      await time.increase(f.parameters.escrow.challengeWindow);
      await expect(f.JobEscrow.connect(f.outsider).finalize(jobId, await jobTerms(f, jobId)))
        .to.emit(f.ComputeReceipt, "Transfer")
        .withArgs(ZeroAddress, f.client.address, jobId);
      expect(await f.ComputeReceipt.ownerOf(jobId)).to.equal(f.client.address);
      expect(await f.ComputeReceipt.ownerOf(first)).to.equal(f.client.address);
      expect(await f.ComputeReceipt.balanceOf(f.client.address)).to.equal(2n);
    });

    it("mints nothing for jobs that do not settle", async function () {
      const f = await loadFixture(withProviderFixture);
      const jobId = await submittedJob(f);
      await expect(f.ComputeReceipt.ownerOf(jobId))
        .to.be.revertedWithCustomError(f.ComputeReceipt, "ERC721NonexistentToken")
        .withArgs(jobId);
      expect(await f.ComputeReceipt.balanceOf(f.client.address)).to.equal(0n);
    });

    it("reverts OnlyEscrow for anyone but the escrow", async function () {
      const { ComputeReceipt, client, outsider, deployer, timelock } = await loadFixture(deployWeftFixture);
      for (const caller of [client, outsider, deployer, timelock]) {
        await expect(ComputeReceipt.connect(caller).mint(caller.address, 1n))
          .to.be.revertedWithCustomError(ComputeReceipt, "OnlyEscrow")
          .withArgs(caller.address);
      }
    });

    it("cannot mint a job's receipt twice (finalize settles once)", async function () {
      const f = await loadFixture(settledJobFixture);
      await expect(f.JobEscrow.finalize(f.jobId, await jobTerms(f, f.jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.jobId, 5n, 3n);
      const escrow = await ethers.getImpersonatedSigner(await f.JobEscrow.getAddress());
      await network.provider.send("hardhat_setBalance", [escrow.address, "0xde0b6b3a7640000"]);
      await expect(f.ComputeReceipt.connect(escrow).mint(f.outsider.address, f.jobId))
        .to.be.revertedWithCustomError(f.ComputeReceipt, "ERC721InvalidSender")
        .withArgs(ZeroAddress);
    });
  });

  describe("tokenURI", function () {
    it("reverts ERC721NonexistentToken for a token never minted", async function () {
      const f = await loadFixture(settledJobFixture);
      for (const id of [0n, f.jobId + 1n, 2n ** 256n - 1n]) {
        await expect(f.ComputeReceipt.tokenURI(id))
          .to.be.revertedWithCustomError(f.ComputeReceipt, "ERC721NonexistentToken")
          .withArgs(id);
      }
    });

    it("is JSON with the job's name, description and attributes: the escrow's settlement of the job", async function () {
      const f = await loadFixture(settledJobFixture);
      expect(await f.JobEscrow.jobStatus(f.jobId)).to.equal(JobStatus.Finalized);
      const settlement = await f.JobEscrow.settlement(f.jobId);
      const meta = await metadata(f, f.jobId);
      expect(Object.keys(meta).sort()).to.deep.equal(["attributes", "description", "image", "name"]);
      expect(meta.name).to.equal(`Weft receipt #${f.jobId}`);
      expect(meta.description).to.equal(`Receipt for GPU compute job ${f.jobId} settled on Weft.`);
      expect(meta.attributes.map((a) => a.trait_type)).to.deep.equal([
        "workload",
        "provider",
        "payment token",
        "amount",
        "paid",
        "result root",
        "settled at",
        "settled",
      ]);
      expect(attribute(meta, "workload")).to.equal("matmul-i8");
      expect(ethers.decodeBytes32String(settlement.workloadId)).to.equal("matmul-i8");
      expect(ethers.getAddress(attribute(meta, "provider"))).to.equal(f.provider.address);
      expect(attribute(meta, "provider")).to.equal(settlement.provider.toLowerCase());
      expect(ethers.getAddress(attribute(meta, "payment token"))).to.equal(await f.usd.getAddress());
      expect(ethers.getAddress(attribute(meta, "payment token"))).to.equal(settlement.paymentToken);
      expect(attribute(meta, "amount")).to.equal(PAYMENT.toString());
      expect(attribute(meta, "amount")).to.equal(settlement.payment.toString());
      expect(attribute(meta, "paid")).to.equal("100 tUSD");
      expect(attribute(meta, "result root")).to.equal(ROOT_A);
      expect(attribute(meta, "result root")).to.equal(settlement.resultRoot);
      // Settlement time is the finalize block's timestamp, which the escrow keeps in the settled job's slot.
      const settledAt = BigInt(attribute(meta, "settled at"));
      expect(settledAt).to.equal(settlement.settledAt);
      expect(settledAt).to.equal(BigInt(await time.latest()));
      expect(attribute(meta, "settled")).to.equal(utcMinute(settledAt));
    });

    it("names the token each job was paid in, through the escrow's payment-token index", async function () {
      const f = await loadFixture(withProviderFixture);
      const weft = await f.ComputeToken.getAddress();
      const weftJob = await settledJob(f, { paymentToken: weft, payment: ethers.parseEther("7") });
      const usdJob = await settledJob(f);
      const weftMeta = await metadata(f, weftJob);
      expect(ethers.getAddress(attribute(weftMeta, "payment token"))).to.equal(weft);
      expect(attribute(weftMeta, "amount")).to.equal(ethers.parseEther("7").toString());
      expect(ethers.getAddress(attribute(await metadata(f, usdJob), "payment token"))).to.equal(
        await f.usd.getAddress(),
      );
    });

    describe("in people's units: the payment in its token's units and symbol, the settlement time in UTC", function () {
      it("prints an 18-decimal WEFT payment in whole WEFT, with its fraction and without", async function () {
        const f = await loadFixture(withProviderFixture);
        const weft = await f.ComputeToken.getAddress();
        for (const [payment, text] of [
          ["100", "100 WEFT"],
          ["12.5", "12.5 WEFT"],
          ["7.000125", "7.000125 WEFT"],
          ["1.0000019", "~1.000001 WEFT"], // at most 6 fractional digits, rounded down, '~' when cut
        ] as const) {
          const jobId = await settledJob(f, { paymentToken: weft, payment: ethers.parseEther(payment) });
          expect(await paidText(f, jobId), payment).to.equal(text);
        }
      });

      it("prints a 6-decimal token's payment in its units (the decimals the escrow valued it with)", async function () {
        const f = await loadFixture(withProviderFixture);
        const usdc = await ethers.deployContract("TestERC20Decimals", ["Test USD Coin", "USDC", 6]);
        const token = await allowToken(f, usdc, 10n ** 12n);
        expect((await f.JobEscrow.paymentTokenConfig(token)).decimals).to.equal(6n);
        for (const [payment, text] of [
          [100_000_000n, "100 USDC"],
          [12_500_000n, "12.5 USDC"],
          [1_000_001n, "1.000001 USDC"],
        ] as const) {
          const jobId = await settledJob(f, { paymentToken: token, payment });
          expect(await paidText(f, jobId), String(payment)).to.equal(text);
          expect(attribute(await metadata(f, jobId), "amount")).to.equal(String(payment));
        }
      });

      it("names a token by its address's first 4 bytes when its symbol() reverts, burns all gas or returns garbage", async function () {
        const f = await loadFixture(withProviderFixture);
        for (const [mode, label] of [
          [0, "reverts"],
          [1, "burns all gas"],
          [3, "declares a length beyond its data"],
        ] as const) {
          const odd = await ethers.deployContract("OddSymbolERC20", [mode]);
          const token = await allowToken(f, odd, PAYMENT);
          const jobId = await settledJob(f, { paymentToken: token, payment: PAYMENT });
          expect(await paidText(f, jobId), label).to.equal(`100 ${token.slice(0, 10).toLowerCase()}`);
        }
      });

      it("reads a bytes32 symbol, as early tokens return it", async function () {
        const f = await loadFixture(withProviderFixture);
        const token = await allowToken(f, await ethers.deployContract("OddSymbolERC20", [2]), PAYMENT);
        expect(await paidText(f, await settledJob(f, { paymentToken: token, payment: PAYMENT }))).to.equal("100 MKR");
      });

      it("cuts a very long symbol to 12 bytes and renders its unsafe characters as '?'", async function () {
        const f = await loadFixture(withProviderFixture);
        const long = await ethers.deployContract("TestERC20Decimals", ["Long", `<"&>${"X".repeat(300)}`, 18]);
        const token = await allowToken(f, long, PAYMENT);
        const jobId = await settledJob(f, { paymentToken: token, payment: PAYMENT });
        expect(await paidText(f, jobId)).to.equal("100 ????XXXXXXXX");
      });

      it("prints the settlement time as a UTC date and time, to the minute", async function () {
        const f = await loadFixture(withProviderFixture);
        const jobId = await submittedJob(f);
        const leapDayLastSecond = 1_835_481_599; // 2028-02-29 23:59:59 UTC
        await time.setNextBlockTimestamp(leapDayLastSecond);
        await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
        const meta = await metadata(f, jobId);
        expect(attribute(meta, "settled at")).to.equal(String(leapDayLastSecond));
        expect(attribute(meta, "settled")).to.equal("2028-02-29 23:59 UTC");
        expect(svgOf(meta)).to.contain(">settled 2028-02-29 23:59 UTC<");
      });
    });

    it("has an image that is a well-formed SVG document naming the job and its facts", async function () {
      const f = await loadFixture(settledJobFixture);
      const meta = await metadata(f, f.jobId);
      const svg = svgOf(meta);
      const root = checkWellFormedSvg(svg);
      expect(root.xmlns).to.equal(SVG_NS);
      expect(svg).to.match(/^<svg /);
      expect(svg).to.contain(`WEFT RECEIPT #${f.jobId}<`);
      expect(svg).to.contain("workload matmul-i8<");
      expect(svg).to.contain("paid 100 tUSD<");
      expect(svg).to.contain(`provider ${f.provider.address.toLowerCase()}<`);
      expect(svg).to.contain(`settled ${utcMinute(BigInt(attribute(meta, "settled at")))}<`);
      expect(svg).to.contain(`>${ROOT_A}<`);
      expect((svg.match(/<rect /g) ?? []).length).to.equal(1 + 64); // the card and the 8 x 8 weave
    });

    it("renders unsafe characters of the workload id as '?' so JSON and SVG stay valid", async function () {
      const f = await loadFixture(withProviderFixture);
      const jobId = await settledJob(f, { workloadId: ethers.encodeBytes32String(`a"b<c>d\\e'&f\n`) });
      const meta = await metadata(f, jobId); // JSON.parse would throw on a broken document
      expect(attribute(meta, "workload")).to.equal("a?b?c?d?e??f?");
      const svg = svgOf(meta);
      checkWellFormedSvg(svg);
      expect(svg).to.contain("workload a?b?c?d?e??f?<");
    });

    it("renders a workload name of the full 24 bytes and non-ASCII bytes as '?'", async function () {
      const f = await loadFixture(withProviderFixture);
      const longest = "abcdefghijklmnopqrstuvwx";
      const first = await settledJob(f, { workloadId: ethers.encodeBytes32String(longest) });
      expect(attribute(await metadata(f, first), "workload")).to.equal(longest);

      const nonAscii = ethers.encodeBytes32String("gpu-é-Z_.9");
      const second = await settledJob(f, { workloadId: nonAscii });
      const meta = await metadata(f, second);
      expect(attribute(meta, "workload")).to.equal("gpu-??-Z_.9"); // é is two UTF-8 bytes
      checkWellFormedSvg(svgOf(meta));

      const empty = await settledJob(f, { workloadId: ethers.ZeroHash });
      expect(attribute(await metadata(f, empty), "workload")).to.equal("");
    });

    describe("art drawn from the result root", function () {
      /** Settles one job per root, all finalized in the same block so that only job id and root differ. */
      async function settleInOneBlock(f: WeftFixture, roots: string[]): Promise<string[]> {
        const ids: bigint[] = [];
        for (const resultRoot of roots) ids.push(await submittedJob(f, { resultRoot }));
        await time.increase(f.parameters.escrow.challengeWindow);
        await network.provider.send("evm_setAutomine", [false]);
        try {
          for (const id of ids) await f.JobEscrow.finalize(id, await jobTerms(f, id), { gasLimit: 1_000_000 });
          await network.provider.send("evm_mine");
        } finally {
          await network.provider.send("evm_setAutomine", [true]);
        }
        const svgs: string[] = [];
        for (const id of ids) {
          expect(await f.ComputeReceipt.ownerOf(id)).to.equal(f.client.address);
          const svg = svgOf(await metadata(f, id));
          checkWellFormedSvg(svg);
          svgs.push(artWithoutJobId(svg));
        }
        return svgs;
      }

      it("draws the same image for the same root and different images for different roots", async function () {
        const f = await loadFixture(withProviderFixture);
        const [a1, b, a2] = await settleInOneBlock(f, [ROOT_A, ROOT_B, ROOT_A]);
        expect(a1).to.equal(a2);
        expect(a1).to.not.equal(b);
      });

      // Regression: the weave reads bytes 0-23 and 24-31 only, and hides a thread's hue when that thread is never
      // on top, so roots differing in bytes 16-23 (or in a hidden thread's byte) used to draw identical images.
      for (const [label, base] of [
        ["a random root", ethers.getBytes(ethers.id("base root"))],
        ["a root whose weft is always on top", ethers.getBytes(ethers.id("base root")).fill(0xff, 24)],
      ] as const) {
        it(`draws different images for roots that differ from ${label} in any single byte`, async function () {
          const f = await loadFixture(withProviderFixture);
          const roots = [ethers.hexlify(base)];
          for (const index of underCoverage ? [0, 16, 24] : [0, 7, 8, 15, 16, 20, 23, 24, 31]) {
            const changed = Uint8Array.from(base);
            changed[index] ^= 0x01;
            roots.push(ethers.hexlify(changed));
          }
          const svgs = await settleInOneBlock(f, roots);
          for (let i = 1; i < roots.length; i++) {
            expect(svgs[i], `root ${roots[i]} draws the same image as ${roots[0]}`).to.not.equal(svgs[0]);
          }
        });
      }
    });
  });

  describe("ownership", function () {
    it("transfers like any ERC721: a receipt is ownership of the work", async function () {
      const f = await loadFixture(settledJobFixture);
      await expect(f.ComputeReceipt.connect(f.client).transferFrom(f.client.address, f.outsider.address, f.jobId))
        .to.emit(f.ComputeReceipt, "Transfer")
        .withArgs(f.client.address, f.outsider.address, f.jobId);
      expect(await f.ComputeReceipt.ownerOf(f.jobId)).to.equal(f.outsider.address);
      expect(await f.ComputeReceipt.balanceOf(f.client.address)).to.equal(0n);
      expect(await f.ComputeReceipt.balanceOf(f.outsider.address)).to.equal(1n);
      // The metadata describes the job, not the holder.
      expect(attribute(await metadata(f, f.jobId), "amount")).to.equal(PAYMENT.toString());
      await expect(f.ComputeReceipt.connect(f.client).transferFrom(f.outsider.address, f.client.address, f.jobId))
        .to.be.revertedWithCustomError(f.ComputeReceipt, "ERC721InsufficientApproval")
        .withArgs(f.client.address, f.jobId);
    });

    it("supports approvals and operators", async function () {
      const f = await loadFixture(settledJobFixture);
      const { ComputeReceipt, client, outsider, provider2, jobId } = f;
      await expect(ComputeReceipt.connect(client).approve(outsider.address, jobId))
        .to.emit(ComputeReceipt, "Approval")
        .withArgs(client.address, outsider.address, jobId);
      expect(await ComputeReceipt.getApproved(jobId)).to.equal(outsider.address);
      await ComputeReceipt.connect(outsider).transferFrom(client.address, provider2.address, jobId);
      expect(await ComputeReceipt.ownerOf(jobId)).to.equal(provider2.address);
      expect(await ComputeReceipt.getApproved(jobId)).to.equal(ZeroAddress); // cleared by the transfer

      await expect(ComputeReceipt.connect(provider2).setApprovalForAll(client.address, true))
        .to.emit(ComputeReceipt, "ApprovalForAll")
        .withArgs(provider2.address, client.address, true);
      expect(await ComputeReceipt.isApprovedForAll(provider2.address, client.address)).to.equal(true);
      await ComputeReceipt.connect(client)["safeTransferFrom(address,address,uint256)"](
        provider2.address,
        client.address,
        jobId,
      );
      expect(await ComputeReceipt.ownerOf(jobId)).to.equal(client.address);

      await expect(ComputeReceipt.connect(outsider).approve(outsider.address, jobId))
        .to.be.revertedWithCustomError(ComputeReceipt, "ERC721InvalidApprover")
        .withArgs(outsider.address);
    });

    it("refuses a safe transfer to a contract that is not a receiver", async function () {
      const f = await loadFixture(settledJobFixture);
      const target = await f.usd.getAddress();
      await expect(
        f.ComputeReceipt.connect(f.client)["safeTransferFrom(address,address,uint256)"](
          f.client.address,
          target,
          f.jobId,
        ),
      )
        .to.be.revertedWithCustomError(f.ComputeReceipt, "ERC721InvalidReceiver")
        .withArgs(target);
    });
  });
});
