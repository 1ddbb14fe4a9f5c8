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

describe("Receipt text (UtcDate, TokenText)", function () {
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
});
