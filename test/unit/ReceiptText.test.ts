import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";

import { casesFor } from "../helpers/coverage";

const UINT40_MAX = 2n ** 40n - 1n;
const UINT96_MAX = 2n ** 96n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;

async function harnessFixture() {
  return ethers.deployContract("ReceiptTextHarness");
}

/** The reference: JavaScript's own calendar, as "YYYY-MM-DD HH:MM UTC" (toISOString writes years past 9999 as +YYYYYY). */
function jsUtc(timestamp: bigint): string {
  const d = new Date(Number(timestamp) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`
  );
}

/** The bytes ReceiptArt.safeText keeps: [A-Za-z0-9._-]. */
const SAFE_BYTE = /^[A-Za-z0-9._-]$/;

/** The reference drawing of ReceiptArt.svg, written out from its documented layout. */
function referenceSvg(
  jobId: bigint,
  texts: { workload: string; paid: string; settled: string },
  provider: string,
  resultRoot: string,
): string {
  const bits = BigInt(resultRoot);
  const bytes = ethers.getBytes(resultRoot);
  let weave = "";
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      // Bit row * 8 + col of the root read as a number (bit 0 is the last byte's lowest) puts the weft on top.
      const weftOnTop = ((bits >> BigInt(row * 8 + col)) & 1n) === 1n;
      const hueByte = weftOnTop ? bytes[row] : bytes[8 + col];
      const hue = Math.floor((hueByte * 360) / 256);
      weave += `<rect x="${40 + col * 40}" y="${20 + row * 40}" width="38" height="38" rx="4" fill="hsl(${hue},70%,55%)"/>`;
    }
  }
  const text = (y: number, size: number, content: string) =>
    `<text x="40" y="${y}" font-size="${size}">${content}</text>`;
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="520" viewBox="0 0 400 520">' +
    '<rect width="400" height="520" rx="16" fill="#10131a"/>' +
    weave +
    '<g font-family="monospace" fill="#e8ecf4">' +
    text(372, 8, resultRoot.toLowerCase()) +
    text(400, 20, `WEFT RECEIPT #${jobId}`) +
    text(428, 13, `workload ${texts.workload}`) +
    text(450, 13, `paid ${texts.paid}`) +
    text(472, 11, `provider ${provider.toLowerCase()}`) +
    text(494, 11, `settled ${texts.settled}`) +
    "</g></svg>"
  );
}

describe("Receipt text and art (UtcDate, TokenText, ReceiptArt)", function () {
  describe("UtcDate.format", function () {
    it("prints the epoch, leap days, the non-leap 2100, year 9999 and the last uint40 second", async function () {
      const harness = await loadFixture(harnessFixture);
      const cases: [bigint, string][] = [
        [0n, "1970-01-01 00:00 UTC"],
        [59n, "1970-01-01 00:00 UTC"], // seconds are dropped, not rounded
        [951_782_399n, "2000-02-28 23:59 UTC"],
        [951_782_400n, "2000-02-29 00:00 UTC"], // 2000 is a leap year (divisible by 400)
        [1_835_481_599n, "2028-02-29 23:59 UTC"],
        [4_107_542_399n, "2100-02-28 23:59 UTC"],
        [4_107_542_400n, "2100-03-01 00:00 UTC"], // 2100 is not (divisible by 100)
        [253_402_300_799n, "9999-12-31 23:59 UTC"],
        [253_402_300_800n, "10000-01-01 00:00 UTC"],
        [UINT40_MAX, "36812-02-20 00:36 UTC"],
      ];
      const printed = await harness.formatDates(cases.map(([timestamp]) => timestamp));
      expect(printed).to.deep.equal(cases.map(([, text]) => text));
      expect(cases.map(([timestamp]) => jsUtc(timestamp))).to.deep.equal(printed);
    });

    it("agrees with JavaScript's Date on random timestamps over the whole uint40 range", async function () {
      const harness = await loadFixture(harnessFixture);
      // Half over all of uint40 (up to year 36812), half within a century of now, where receipts are settled.
      const timestamps = fc.sample(
        fc.oneof(fc.bigInt({ min: 0n, max: UINT40_MAX }), fc.bigInt({ min: 0n, max: 4_102_444_800n })),
        { numRuns: casesFor(200, 40), seed: 23 },
      );
      const printed = await harness.formatDates(timestamps);
      timestamps.forEach((timestamp, i) => expect(printed[i], `timestamp ${timestamp}`).to.equal(jsUtc(timestamp)));
    });
  });

  describe("TokenText.amount", function () {
    it("prints whole tokens, at most 6 fractional digits rounded down, '~' when digits were cut", async function () {
      const harness = await loadFixture(harnessFixture);
      const cases: [bigint, number, string][] = [
        [0n, 18, "0"],
        [ethers.parseEther("100"), 18, "100"],
        [ethers.parseEther("12.5"), 18, "12.5"],
        [ethers.parseEther("0.000001"), 18, "0.000001"],
        [ethers.parseEther("1.0000019"), 18, "~1.000001"],
        [1n, 18, "~0"],
        [UINT96_MAX, 18, "~79228162514.264337"],
        [12_500_000n, 6, "12.5"],
        [1_234_567n, 6, "1.234567"],
        [100_000_000n, 6, "100"],
        [5n, 1, "0.5"],
        [UINT96_MAX, 0, "79228162514264337593543950335"],
        [UINT256_MAX, 77, "~1.15792"],
        [UINT256_MAX, 78, "~0.115792"], // 10^78 exceeds 2^256: every amount is below one token
        [10n ** 77n, 83, "0.000001"],
        [10n ** 77n, 84, "~0"],
        [UINT256_MAX, 255, "~0"],
      ];
      const printed = await harness.formatAmounts(
        cases.map(([value]) => value),
        cases.map(([, decimals]) => decimals),
      );
      expect(printed).to.deep.equal(cases.map(([, , text]) => text));
    });

    it("prints what ethers.formatUnits does, cut to 6 fractional digits, for random payments", async function () {
      const harness = await loadFixture(harnessFixture);
      const cases = fc.sample(fc.tuple(fc.bigInt({ min: 0n, max: UINT96_MAX }), fc.integer({ min: 0, max: 36 })), {
        numRuns: casesFor(100, 20),
        seed: 23,
      });
      const printed = await harness.formatAmounts(
        cases.map(([value]) => value),
        cases.map(([, decimals]) => decimals),
      );
      cases.forEach(([value, decimals], i) => {
        const [whole, fraction = ""] = ethers.formatUnits(value, decimals).split(".");
        const kept = fraction.slice(0, 6).replace(/0+$/, "");
        const cut = /[1-9]/.test(fraction.slice(6));
        expect(printed[i], `${value} at ${decimals} decimals`).to.equal(
          `${cut ? "~" : ""}${whole}${kept === "" ? "" : `.${kept}`}`,
        );
      });
    });
  });

  describe("ReceiptArt.safeText", function () {
    it("keeps exactly the bytes of [A-Za-z0-9._-], each range's first and last byte included, and writes '?' for every other byte", async function () {
      const harness = await loadFixture(harnessFixture);
      const bytes = Array.from({ length: 255 }, (_, i) => i + 1); // every byte but the terminating zero
      const printed = await harness.safeTexts(bytes.map((b) => Uint8Array.of(b)));
      expect(printed).to.deep.equal(
        bytes.map((b) => (SAFE_BYTE.test(String.fromCharCode(b)) ? String.fromCharCode(b) : "?")),
      );
      // Spelled out: each range's first and last byte are kept, the bytes just outside the ranges are not.
      const bounds = [..."azAZ09-_.`{@[/:"];
      const kept = await harness.safeTexts(bounds.map((c) => ethers.toUtf8Bytes(c)));
      expect(kept.join("")).to.equal("azAZ09-_.??????");
      expect(await harness.safeTexts([ethers.toUtf8Bytes("azAZ09-_.")])).to.deep.equal(["azAZ09-_."]);
    });

    it("ends at the first zero byte and keeps all bytes of a string without one", async function () {
      const harness = await loadFixture(harnessFixture);
      const full = ethers.toUtf8Bytes("abcdefghijklmnopqrstuvwxyzABCDEF"); // 32 bytes, no zero
      expect(
        await harness.safeTexts([
          "0x",
          "0x00",
          "0x0041",
          "0x410042",
          ethers.concat([ethers.toUtf8Bytes("matmul-i8"), new Uint8Array(23)]),
          full,
        ]),
      ).to.deep.equal(["", "", "", "A", "matmul-i8", "abcdefghijklmnopqrstuvwxyzABCDEF"]);
    });
  });

  describe("ReceiptArt.svg", function () {
    const texts = { workload: "matmul-i8", paid: "12.5 tUSD", settled: "2026-12-03 15:20 UTC" };
    const provider = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    function settlement(resultRoot: string) {
      return {
        workloadId: ethers.encodeBytes32String("matmul-i8"),
        provider,
        paymentToken: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        payment: 12_500_000_000_000_000_000n,
        resultRoot,
        settledAt: 1_796_311_200n,
      };
    }

    it("weaves each cell in its thread's hue, floor(byte * 360 / 256): the weft's where the root's bit is 1, the warp's where it is 0", async function () {
      const harness = await loadFixture(harnessFixture);
      // Weft (rows) bytes 1..8, warp (columns) bytes 0xff..0xf8, filler, then the crossings: row 0 (the last byte)
      // has only column 0's bit set, row 7 (byte 24) all bits.
      const root = ethers.hexlify(
        Uint8Array.from([
          ...[1, 2, 3, 4, 5, 6, 7, 8],
          ...[0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8],
          ...new Array<number>(8).fill(0xaa),
          ...[0xff, 0x0f, 0xf0, 0x55, 0xaa, 0x81, 0x3c, 0x01],
        ]),
      );
      const svg = await harness.svg(7n, texts, settlement(root));
      expect(svg).to.equal(referenceSvg(7n, texts, provider, root));
      // Row 0, column 0: the weft is on top, byte 0x01 is hue 1 (360 / 256 = 1.40625, rounded down).
      const cell = (x: number, y: number, hue: number) =>
        `<rect x="${x}" y="${y}" width="38" height="38" rx="4" fill="hsl(${hue},70%,55%)"/>`;
      expect(svg).to.contain(`<rect width="400" height="520" rx="16" fill="#10131a"/>${cell(40, 20, 1)}`);
      // Row 0, column 1: the warp is on top, byte 0xfe is hue 357 (357.1875); column 7's 0xf8 is 348 (348.75).
      expect(svg).to.contain(`${cell(40, 20, 1)}${cell(80, 20, 357)}`);
      // Row 1 (byte 0x3c): columns 0 and 1 show the warp (0xff is hue 358, 358.59375), column 2 the weft's 0x02 (2.8125).
      expect(svg).to.contain(`${cell(320, 20, 348)}${cell(40, 60, 358)}${cell(80, 60, 357)}${cell(120, 60, 2)}`);
    });

    it("prints the root, job id, workload, payment, provider and settlement time on the card", async function () {
      const harness = await loadFixture(harnessFixture);
      const root = ethers.id("result A");
      const svg = await harness.svg(42n, texts, settlement(root));
      expect(svg).to.equal(referenceSvg(42n, texts, provider, root));
      expect(svg).to.contain(
        '<g font-family="monospace" fill="#e8ecf4">' +
          `<text x="40" y="372" font-size="8">${root}</text>` +
          '<text x="40" y="400" font-size="20">WEFT RECEIPT #42</text>' +
          '<text x="40" y="428" font-size="13">workload matmul-i8</text>' +
          '<text x="40" y="450" font-size="13">paid 12.5 tUSD</text>' +
          '<text x="40" y="472" font-size="11">provider 0x70997970c51812dc3a010c7d01b50e0d17dc79c8</text>' +
          '<text x="40" y="494" font-size="11">settled 2026-12-03 15:20 UTC</text>' +
          "</g></svg>",
      );
    });
  });
});
