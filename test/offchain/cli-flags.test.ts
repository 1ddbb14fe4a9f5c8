import { expect } from "chai";

import { parseAmount, parseDuration, parseInteger, parsePort, parseSeconds, WEFT_UNITS } from "../../src/cli/flags";
import { followingDefaults, parseChainFollowing } from "../../src/agents/following";
import { expectUserError } from "../helpers/errors";

describe("Command-line flags", function () {
  it("parses whole numbers within their bounds and names the flag and its range otherwise", async function () {
    expect(parseInteger("--limit", "0")).to.equal(0);
    expect(parsePort("--port", "65535")).to.equal(65_535);
    expect(parsePort("--port", "0")).to.equal(0);
    await expectUserError(() => parsePort("--port", "65536"), /--port must be an integer from 0 to 65535; got "65536"/);
    await expectUserError(
      () => parseInteger("--workers", "0", { min: 1 }),
      /--workers must be a whole number of at least 1/,
    );
    for (const text of ["-1", "1.5", "", "1e3", "9007199254740993"]) {
      await expectUserError(() => parseInteger("--limit", text), /--limit must be a whole number \(0, 1, 2, \.\.\.\)/);
    }
  });

  it("parses durations with a unit, and a bare number in the flag's own unit", async function () {
    expect(parseDuration("--poll-interval", "1500ms")).to.equal(1_500);
    expect(parseDuration("--poll-interval", "2.5s")).to.equal(2_500);
    expect(parseDuration("--poll-interval", "2")).to.equal(2_000);
    expect(parseDuration("--poll-interval", "1500", "ms")).to.equal(1_500);
    expect(parseDuration("--duration", "90m")).to.equal(5_400_000);
    expect(parseDuration("--duration", "7d")).to.equal(604_800_000);
    expect(parseDuration("--duration", "2w")).to.equal(1_209_600_000);
    expect(parseDuration("--duration", "1 week")).to.equal(604_800_000);
    expect(parseDuration("--duration", "90 minutes")).to.equal(5_400_000);
    expect(parseDuration("--duration", "1y")).to.equal(31_557_600_000);
    for (const text of ["0", "0s", "soon", "-1s", "1h30m", "2 apples", "1e3", ""]) {
      await expectUserError(
        () => parseDuration("--poll-interval", text, "ms"),
        /--poll-interval must be a positive duration: milliseconds/,
      );
    }
  });

  it("gives on-chain durations in whole seconds and refuses a fraction of one", async function () {
    expect(parseSeconds("--duration", "2h")).to.equal(7_200n);
    expect(parseSeconds("--duration", "3600")).to.equal(3_600n);
    await expectUserError(() => parseSeconds("--duration", "1500ms"), /--duration must be a whole number of seconds/);
  });

  it("parses token amounts in the token's decimals", async function () {
    expect(parseAmount("--stake", "1000", WEFT_UNITS)).to.equal(10n ** 21n);
    expect(parseAmount("--payment", "12.5", { symbol: "tUSD", decimals: 6 })).to.equal(12_500_000n);
    await expectUserError(
      () => parseAmount("--payment", "0.0000001", { symbol: "tUSD", decimals: 6 }),
      /at most 6 decimals/,
    );
    for (const text of ["0", "-1", "1e3", "ten"]) {
      await expectUserError(
        () => parseAmount("--stake", text, WEFT_UNITS),
        /--stake must be a positive decimal amount of WEFT/,
      );
    }
  });

  it("follows a local chain fast and a public one with confirmations, each overridable by its flag", function () {
    expect(followingDefaults("localhost")).to.deep.equal({
      confirmations: 0,
      maxBlockRange: 2_000,
      pollIntervalMs: 2_000,
    });
    expect(followingDefaults("sepolia")).to.deep.equal({
      confirmations: 3,
      maxBlockRange: 2_000,
      pollIntervalMs: 5_000,
    });
    expect(
      parseChainFollowing({ confirmations: "12", maxBlockRange: "500", pollInterval: "10" }, "sepolia", "s"),
    ).to.deep.equal({
      confirmations: 12,
      maxBlockRange: 500,
      pollIntervalMs: 10_000,
    });
  });
});
