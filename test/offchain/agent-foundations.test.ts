import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { makeError } from "ethers";
import { Counter, Registry } from "prom-client";

import { consoleLogger, type LogOutput, memoryLogger, parseLogFormat } from "../../src/agents/logger";
import { runPollingLoop } from "../../src/agents/loop";
import { runAgent } from "../../src/agents/run";
import { confirmedRange, nextConfirmedRange, validateConfirmedRangeOptions } from "../../src/chain/blocks";
import { CallTimeoutError, isPermanentError, withRetry } from "../../src/chain/retry";
import { startMetricsServer } from "../../src/agents/metrics-server";
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from "../../src/state/json-file";
import { errorMessage } from "../../src/errors";
import { ethersErrors, expectUserError } from "../helpers/errors";

/** What a node answers to a call that reverts: an error a retry cannot fix. */
function revertError() {
  return makeError("execution reverted", "CALL_EXCEPTION", {
    action: "call",
    data: "0x",
    reason: null,
    transaction: { to: null, data: "0x" },
    invocation: null,
    revert: null,
  });
}

/** A call that fails `failures` times with a transient network error, then returns "ok". */
function flakyCall(failures: number) {
  const calls = { count: 0 };
  const call = async () => {
    calls.count++;
    if (calls.count <= failures) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    return "ok";
  };
  return { calls, call };
}

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

const FAST = { initialDelayMs: 1, maxDelayMs: 2 };

describe("Agent foundations", function () {
  describe("withRetry", function () {
    it("retries a transient failure and returns the first success", async function () {
      const { calls, call } = flakyCall(2);
      const retries: number[] = [];
      const result = await withRetry("eth_blockNumber", call, {
        ...FAST,
        onRetry: (_error, attempt) => retries.push(attempt),
      });
      expect(result).to.equal("ok");
      expect(calls.count).to.equal(3);
      expect(retries).to.deep.equal([1, 2]);
    });

    it("throws a revert at once without retrying", async function () {
      let calls = 0;
      const error = revertError();
      expect(isPermanentError(error)).to.equal(true);
      const failing = withRetry(
        "eth_call",
        async () => {
          calls++;
          throw error;
        },
        FAST,
      );
      expect(await rejection(failing)).to.equal(error);
      expect(calls).to.equal(1);
    });

    it("gives up after the configured attempts with the last error", async function () {
      const { calls, call } = flakyCall(10);
      const error = await rejection(withRetry("eth_getLogs", call, { ...FAST, attempts: 4 }));
      expect(error.message).to.equal("socket hang up");
      expect(calls.count).to.equal(4);
    });

    it("fails a stalled call with CallTimeoutError", async function () {
      const stalled = withRetry("eth_getLogs", () => new Promise<never>(() => undefined), {
        ...FAST,
        attempts: 1,
        timeoutMs: 20,
      });
      const error = await rejection(stalled);
      expect(error).to.be.instanceOf(CallTimeoutError);
      expect(error.message).to.equal("eth_getLogs did not answer within 20 ms");
    });

    it("retries a stalled call and returns the answer of the next attempt", async function () {
      let calls = 0;
      const answer = await withRetry(
        "eth_chainId",
        () => (++calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve("0x7a69")),
        { ...FAST, timeoutMs: 20 },
      );
      expect(answer).to.equal("0x7a69");
      expect(calls).to.equal(2);
    });

    it("stops waiting between attempts as soon as the signal aborts", async function () {
      // A retry that ignored the signal would wait a minute: this test's timeout catches it.
      this.timeout(5_000);
      const controller = new AbortController();
      const { calls, call } = flakyCall(10);
      const retrying = withRetry("eth_blockNumber", call, {
        attempts: Infinity,
        initialDelayMs: 60_000,
        maxDelayMs: 60_000,
        signal: controller.signal,
        onRetry: () => setImmediate(() => controller.abort(new Error("shutting down"))),
      });
      expect((await rejection(retrying)).message).to.equal("shutting down");
      expect(calls.count).to.equal(1);
    });

    it("does not retry once the signal has aborted, and throws the call's error", async function () {
      const controller = new AbortController();
      let calls = 0;
      const retrying = withRetry(
        "eth_blockNumber",
        async () => {
          calls++;
          controller.abort(new Error("shutting down"));
          throw new Error("connection refused");
        },
        { ...FAST, attempts: Infinity, signal: controller.signal },
      );
      expect((await rejection(retrying)).message).to.equal("connection refused");
      expect(calls).to.equal(1);
    });
  });

  describe("confirmed block ranges", function () {
    const options = { confirmations: 2, maxBlockRange: 100 };

    it("returns nothing until the next block has enough confirmations", function () {
      expect(confirmedRange(10, 11, options)).to.equal(undefined);
      expect(confirmedRange(10, 12, options)).to.deep.equal({ fromBlock: 10, toBlock: 10 });
    });

    it("reads up to the head itself with zero confirmations", function () {
      expect(confirmedRange(10, 10, { confirmations: 0, maxBlockRange: 100 })).to.deep.equal({
        fromBlock: 10,
        toBlock: 10,
      });
      expect(confirmedRange(11, 10, { confirmations: 0, maxBlockRange: 100 })).to.equal(undefined);
    });

    it("caps a long backlog at maxBlockRange blocks", function () {
      expect(confirmedRange(10, 1_000, options)).to.deep.equal({ fromBlock: 10, toBlock: 109 });
      expect(confirmedRange(0, 1_000, { confirmations: 0, maxBlockRange: 1 })).to.deep.equal({
        fromBlock: 0,
        toBlock: 0,
      });
    });

    it("reaches exactly the last confirmed block when the backlog is shorter than the cap", function () {
      expect(confirmedRange(10, 60, options)).to.deep.equal({ fromBlock: 10, toBlock: 58 });
    });

    it("refuses negative or fractional confirmations and an empty range", function () {
      expect(() => validateConfirmedRangeOptions({ confirmations: -1, maxBlockRange: 10 })).to.throw(RangeError);
      expect(() => validateConfirmedRangeOptions({ confirmations: 1.5, maxBlockRange: 10 })).to.throw(RangeError);
      expect(() => validateConfirmedRangeOptions({ confirmations: 0, maxBlockRange: 0 })).to.throw(RangeError);
      expect(() => validateConfirmedRangeOptions({ confirmations: 0, maxBlockRange: 1 })).not.to.throw();
    });

    it("reads the head from a node", async function () {
      await mine(5);
      const head = await ethers.provider.getBlockNumber();
      const range = await nextConfirmedRange(ethers.provider, head - 4, { confirmations: 1, maxBlockRange: 100 });
      expect(range).to.deep.equal({ fromBlock: head - 4, toBlock: head - 1 });
    });
  });

  describe("JSON state files", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-state-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("round-trips a value through a new nested directory and leaves no temporary file", function () {
      const file = path.join(dir, "verifier", "state.json");
      const state = { nextBlock: 1234, disputed: ["7", "9"], nested: { ok: true } };
      writeJsonAtomic(file, state);
      writeJsonAtomic(file, { ...state, nextBlock: 1300 });
      expect(readJsonFile(file)).to.deep.equal({ ...state, nextBlock: 1300 });
      expect(fs.readdirSync(path.dirname(file))).to.deep.equal(["state.json"]);
    });

    it("flushes the new file, renames it over the old one, then flushes the directory", function () {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, "old\n");
      const steps: string[] = [];
      const realFsync = fs.fsyncSync;
      const realRename = fs.renameSync;
      // Linux names an open file descriptor's file in /proc.
      const named = (fd: number) => path.basename(fs.readlinkSync(`/proc/self/fd/${fd}`));
      fs.fsyncSync = (fd) => {
        steps.push(`fsync ${named(fd)}`);
        realFsync(fd);
      };
      fs.renameSync = (from, to) => {
        steps.push(`rename ${path.basename(String(from)).replace(/\.\w+$/, ".<tmp>")} ${path.basename(String(to))}`);
        realRename(from, to);
      };
      try {
        writeFileAtomic(file, "new\n");
      } finally {
        fs.fsyncSync = realFsync;
        fs.renameSync = realRename;
      }
      expect(steps).to.have.length(3);
      expect(steps[0]).to.match(/^fsync state\.json\.\w+$/); // the temporary file, named at random
      expect(steps.slice(1)).to.deep.equal(["rename state.json.<tmp> state.json", `fsync ${path.basename(dir)}`]);
      expect(fs.readFileSync(file, "utf8")).to.equal("new\n");
    });

    it("keeps the old file's permissions, and leaves neither a mix nor a temporary file when the write fails", function () {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, "old\n", { mode: 0o600 });
      writeFileAtomic(file, "new\n");
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);

      const blocked = path.join(dir, "blocked.json");
      fs.mkdirSync(blocked); // renaming a file over a directory fails
      expect(() => writeFileAtomic(blocked, "new\n")).to.throw(/EISDIR/);
      expect(fs.readdirSync(dir).sort()).to.deep.equal(["blocked.json", "state.json"]);
    });

    it("reads a missing file as undefined", function () {
      expect(readJsonFile(path.join(dir, "none.json"))).to.equal(undefined);
    });

    it("refuses a corrupt file with a UserError naming it", async function () {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, '{"nextBlock": 12');
      await expectUserError(() => readJsonFile(file), /weft-state-\w+\/state\.json is not valid JSON/);
    });
  });

  describe("metrics server", function () {
    it("serves a prom-client registry at /metrics and 404 everywhere else", async function () {
      const registry = new Registry();
      const jobs = new Counter({ name: "weft_test_jobs_total", help: "jobs seen", registers: [registry] });
      jobs.inc(3);
      const server = await startMetricsServer(registry, 0);
      try {
        const scrape = await fetch(server.url);
        expect(scrape.status).to.equal(200);
        expect(scrape.headers.get("content-type")).to.equal(registry.contentType);
        expect(await scrape.text()).to.include("weft_test_jobs_total 3");

        const elsewhere = await fetch(server.url.replace(/\/metrics$/, "/health"));
        expect(elsewhere.status).to.equal(404);
        await elsewhere.body?.cancel();
        const post = await fetch(server.url, { method: "POST" });
        expect(post.status).to.equal(404);
        await post.body?.cancel();
      } finally {
        await server.close();
      }
    });
  });

  describe("agent lifetime", function () {
    it("serves the metrics while the agent runs, logs its start with their URL and a stop line, then closes them", async function () {
      const logger = memoryLogger();
      let url = "";
      await runAgent({ logger, metrics: new Registry(), metricsPort: 0, startLine: "agent up" }, async () => {
        url = logger.lines[0].replace(/^info agent up, metrics at /, "");
        expect((await fetch(url)).status).to.equal(200);
      });
      expect(logger.lines).to.deep.equal([`info agent up, metrics at ${url}`, "info stopped"]);
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const afterStop = await fetch(url).then(
        () => "answered",
        () => "refused",
      );
      expect(afterStop, "the metrics server still answers after the agent stopped").to.equal("refused");
    });

    it("stops with one line naming the port and host when the metrics port is taken, and logs the stop of a failed run", async function () {
      const taken = await startMetricsServer(new Registry(), 0);
      const port = Number(new URL(taken.url).port);
      try {
        const lifetime = { logger: memoryLogger(), metrics: new Registry(), metricsPort: port, startLine: "up" };
        await expectUserError(
          runAgent(lifetime, async () => undefined),
          new RegExp(`--metrics-port ${port} on --metrics-host 127\\.0\\.0\\.1 cannot be served \\(EADDRINUSE\\)`),
        );
      } finally {
        await taken.close();
      }
      const logger = memoryLogger();
      const failed = await runAgent({ logger, metrics: new Registry(), startLine: "up" }, () =>
        Promise.reject(new Error("boom")),
      ).then(
        () => "succeeded",
        (error: Error) => error.message,
      );
      expect(failed).to.equal("boom");
      expect(logger.lines).to.deep.equal(["info up", "info stopped"]);
    });
  });

  describe("polling loop", function () {
    it("logs a tick that throws and keeps ticking until the signal aborts", async function () {
      const controller = new AbortController();
      const logger = memoryLogger();
      let ticks = 0;
      await runPollingLoop(
        async () => {
          ticks++;
          if (ticks === 1) throw new Error("node unreachable");
          if (ticks === 3) controller.abort();
        },
        { intervalMs: 1, signal: controller.signal, logger },
      );
      expect(ticks).to.equal(3);
      expect(logger.lines).to.deep.equal(["error tick failed, retrying in 1 ms: node unreachable"]);
    });

    it("lets a tick in progress finish when the signal aborts, then stops", async function () {
      const controller = new AbortController();
      const finished: number[] = [];
      let ticks = 0;
      await runPollingLoop(
        async () => {
          const tick = ++ticks;
          controller.abort();
          await new Promise((resolve) => setImmediate(resolve));
          finished.push(tick);
        },
        { intervalMs: 60_000, signal: controller.signal, logger: memoryLogger() },
      );
      expect(finished).to.deep.equal([1]);
    });

    it("logs a tick that a mined revert failed in one short line, not the receipt ethers' message embeds", async function () {
      const { mined, hash } = await ethersErrors();
      const controller = new AbortController();
      const logger = memoryLogger();
      await runPollingLoop(
        async () => {
          controller.abort();
          throw mined;
        },
        { intervalMs: 1, signal: controller.signal, logger },
      );
      expect(logger.lines).to.deep.equal([
        `error tick failed, retrying in 1 ms: transaction execution reverted (tx ${hash})`,
      ]);
    });
  });

  describe("console logger", function () {
    /** An output that keeps the lines written to each side. */
    function capture(): LogOutput & { outLines: string[]; errLines: string[] } {
      const outLines: string[] = [];
      const errLines: string[] = [];
      return { outLines, errLines, out: (line) => outLines.push(line), err: (line) => errLines.push(line) };
    }
    const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

    it("writes text as one line per event for people: ISO time, level, [agent], message; warnings apart", function () {
      const output = capture();
      const logger = consoleLogger("provider", "text", output);
      logger.info("job 3: accepted (50% of %s)");
      logger.warn("careful");
      logger.error("failed");
      expect(output.outLines).to.have.length(1);
      expect(output.outLines[0]).to.match(/^\S+ info  \[provider\] job 3: accepted \(50% of %s\)$/);
      expect(output.outLines[0].split(" ")[0]).to.match(ISO);
      expect(output.errLines.map((line) => line.replace(/^\S+ /, ""))).to.deep.equal([
        "warn  [provider] careful",
        "error [provider] failed",
      ]);
    });

    it("writes json as one object per line, all on one stream, for log collectors: time, level, name, msg", function () {
      const output = capture();
      const logger = consoleLogger("verifier", "json", output);
      logger.info('job 4: "quoted"');
      logger.error("failed");
      expect(output.errLines).to.deep.equal([]);
      const records = output.outLines.map((line) => JSON.parse(line) as Record<string, string>);
      expect(records.map(({ time, ...rest }) => rest)).to.deep.equal([
        { level: "info", name: "verifier", msg: 'job 4: "quoted"' },
        { level: "error", name: "verifier", msg: "failed" },
      ]);
      for (const { time } of records) expect(time).to.match(ISO);
    });

    it("writes to the console by default, where a task run in-process is read", function () {
      const log = console.log;
      const lines: string[] = [];
      console.log = (line: string) => lines.push(line);
      try {
        consoleLogger("store").info("serving");
      } finally {
        console.log = log;
      }
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/ info  \[store\] serving$/);
    });

    it("takes --log-format text or json, text unless given", async function () {
      expect(parseLogFormat(undefined)).to.equal("text");
      expect(parseLogFormat("json")).to.equal("json");
      await expectUserError(() => parseLogFormat("JSON"), /^--log-format must be text or json; got "JSON"\.$/);
    });
  });

  describe("error messages for log lines", function () {
    it("give ethers' short message with the decoded custom error, the selector of an undecoded one, or the mined transaction's hash", async function () {
      const { decoded, undecoded, mined, hash, poor } = await ethersErrors();
      expect(errorMessage(decoded)).to.equal(`execution reverted: ERC20InsufficientBalance(${poor}, 0, 5)`);
      expect(errorMessage(undecoded)).to.equal("execution reverted (unknown custom error) (selector 0xe450d38c)");
      // What used to reach the log: the whole receipt, bloom and all.
      expect((mined as Error).message).to.include("logsBloom");
      expect(errorMessage(mined)).to.equal(`transaction execution reverted (tx ${hash})`);
    });

    it("give the first line of anything else", function () {
      expect(errorMessage(new Error("node unreachable\n    at somewhere"))).to.equal("node unreachable");
      expect(errorMessage("a string")).to.equal("a string");
    });
  });
});
