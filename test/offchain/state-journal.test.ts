/**
 * The agents' state journal (src/agents/state-file.ts on src/state/): its file format, torn and damaged lines, the
 * former whole-document format, the bytes a step writes and the size compaction keeps the file to.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ProviderState, type TrackedJob } from "../../src/provider/state";
import { STATE_FILE_NAME, VerifierState } from "../../src/verifier/state";
import { expectUserError } from "../helpers/errors";

const IDENTITY = {
  provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  escrow: "0x" + "ab".repeat(20),
  chainId: 31337,
};
const VERIFIER = { chainId: 31337, escrow: "0x" + "ab".repeat(20) };
const TERMS = {
  workloadId: "0x" + "01".repeat(32),
  params: "0x" + "00".repeat(96),
  inputRoot: "0x" + "02".repeat(32),
  inputURI: "file:///var/weft/store/" + "0a".repeat(32),
  paymentToken: "0x" + "03".repeat(20),
  payment: "1000000000000000000",
  submitDeadline: "1900000000",
};
const waiting: TrackedJob = { phase: "waiting", terms: TERMS, reason: "collateral short" };
const assigned: TrackedJob = { phase: "assigned", terms: TERMS };
const submitted: TrackedJob = {
  phase: "submitted",
  terms: TERMS,
  resultRoot: "0x" + "05".repeat(32),
  resultURI: "file:///var/weft/store/" + "0b".repeat(32),
  challengeEndsAt: "1900003600",
};

const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n");

/** fs.writeSync, as the state files call it (with a Buffer, or a string for a whole snapshot). */
type WriteSync = (fd: number, data: Buffer, offset?: number, length?: number) => number;

/** Runs `run` with fs.writeSync replaced by what `replacement` makes of it. */
function withWriteSync(replacement: (write: WriteSync) => WriteSync, run: () => void): void {
  const original = fs.writeSync;
  fs.writeSync = replacement(original as unknown as WriteSync) as unknown as typeof fs.writeSync;
  try {
    run();
  } finally {
    fs.writeSync = original;
  }
}

/** Calls `steps`, counting the bytes written to files meanwhile. */
function bytesWritten(steps: () => void): number {
  let total = 0;
  withWriteSync(
    (write) =>
      (...args) => {
        const written = write(...args);
        total += written;
        return written;
      },
    steps,
  );
  return total;
}

describe("agent state journal", function () {
  let dir: string;
  let file: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-journal-"));
    file = path.join(dir, "provider.json");
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is a header with version and owner, a snapshot, then one line per change", function () {
    const state = ProviderState.load(file, IDENTITY, 7);
    expect(fs.existsSync(file), "a state nobody changed is not written").to.equal(false);
    state.set(1n, waiting);
    state.set(1n, assigned);
    state.nextBlock = 12;
    state.save();
    state.save(); // nothing moved: nothing written
    state.forget(1n);

    const [header, snapshot, ...patches] = lines(file).map((line) => (line === "" ? line : JSON.parse(line)));
    expect(header).to.deep.equal({ journal: "weft-agent-state", version: 2, identity: IDENTITY });
    expect(snapshot).to.deep.equal({ nextBlock: 7, jobs: { "1": waiting } });
    expect(patches).to.deep.equal([{ jobs: { "1": assigned } }, { nextBlock: 12 }, { jobs: { "1": null } }, ""]);
    expect(ProviderState.peek(file)).to.deep.equal({ identity: IDENTITY, nextBlock: 12, jobs: {} });
    expect(fs.readdirSync(dir)).to.deep.equal(["provider.json"]);
  });

  it("skips a last line cut short by a kill, and cuts it off before the next change", function () {
    const state = ProviderState.load(file, IDENTITY, 0);
    state.set(1n, waiting);
    state.set(2n, waiting);
    const whole = fs.readFileSync(file, "utf8");
    const torn = whole + JSON.stringify({ jobs: { "3": waiting } }).slice(0, 30);
    fs.writeFileSync(file, torn);

    expect(Object.keys(ProviderState.peek(file)!.jobs)).to.deep.equal(["1", "2"]);
    expect(fs.readFileSync(file, "utf8"), "reading changes nothing").to.equal(torn);
    const resumed = ProviderState.load(file, IDENTITY, 0);
    expect(fs.readFileSync(file, "utf8"), "the torn line is cut off when the file is opened").to.equal(whole);
    resumed.set(4n, assigned);
    expect(lines(file).at(-2)).to.equal(JSON.stringify({ jobs: { "4": assigned } }));
    expect(ProviderState.load(file, IDENTITY, 0).jobsIn("waiting")).to.have.length(2);
    expect(ProviderState.peek(file)!.jobs).to.deep.equal({ "1": waiting, "2": waiting, "4": assigned });
  });

  it("refuses a damaged line that is not the last one cut short, saying what to do, and leaves the file alone", async function () {
    const state = ProviderState.load(file, IDENTITY, 0);
    state.set(1n, waiting);
    state.set(2n, waiting);
    state.set(3n, waiting);
    const [header, snapshot, first, ...rest] = lines(file);
    const cases = [
      [
        [header, snapshot, first.slice(0, 20), ...rest],
        /provider\.json is not valid JSON at line 3 \(.*\): a crash only ever cuts the last line short, so the file was damaged after it was written; restore it from a backup, or move it away to start afresh\.$/,
      ],
      [[header, snapshot, first, rest[0].slice(0, 20), ""], /is not valid JSON at line 4/],
      [
        [header, snapshot, first, '{"jobs":[1]}', ...rest],
        /is damaged: line 4 is not a change of this agent's state; restore it from a backup/,
      ],
      [[header, '{"nextBlock":0}', first, ...rest], /is damaged: line 2 is not a whole snapshot of this agent's state/],
    ] as const;
    for (const [damaged, message] of cases) {
      fs.writeFileSync(file, damaged.join("\n"));
      await expectUserError(() => ProviderState.load(file, IDENTITY, 0), message);
      await expectUserError(() => ProviderState.peek(file), message);
      expect(fs.readFileSync(file, "utf8")).to.equal(damaged.join("\n"));
    }
  });

  it("refuses a journal of another version or owner with the remedy", async function () {
    ProviderState.load(file, IDENTITY, 0).set(1n, waiting);
    await expectUserError(
      () => ProviderState.load(file, { ...IDENTITY, chainId: 1 }, 0),
      /provider\.json is the state of provider 0x7099.* on escrow 0xabab.* \(chain 31337\), not of .* \(chain 1\); pass another --state\.$/,
    );
    const [header, ...rest] = lines(file);
    fs.writeFileSync(file, [header.replace('"version":2', '"version":3'), ...rest].join("\n"));
    await expectUserError(
      () => ProviderState.load(file, IDENTITY, 0),
      /provider\.json has state version 3, this agent reads 2; pass another --state\.$/,
    );
  });

  it("compacts on opening a file that a kill left past its bound, before the compaction it called for", function () {
    ProviderState.load(file, IDENTITY, 0).set(1n, waiting);
    const patch = JSON.stringify({ jobs: { "1": assigned } }) + "\n";
    fs.appendFileSync(file, patch.repeat(Math.ceil((80 * 1024) / patch.length)));
    expect(fs.statSync(file).size).to.be.above(80 * 1024);

    const state = ProviderState.load(file, IDENTITY, 0);
    expect(state.job(1n)).to.deep.equal(assigned);
    expect(
      lines(file)
        .map((line) => (line === "" ? line : JSON.parse(line)))
        .slice(1),
    ).to.deep.equal([{ nextBlock: 0, jobs: { "1": assigned } }, ""]);
  });

  it("after a failed write (a full disk), rewrites the file whole with the next change, the failed one included", function () {
    const state = ProviderState.load(file, IDENTITY, 0);
    state.set(1n, waiting);
    // The disk fills up halfway through the next line.
    const fullDisk = (write: WriteSync) => (fd: number, data: Buffer) => {
      write(fd, data, 0, data.length >> 1);
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    withWriteSync(fullDisk, () => expect(() => state.set(2n, waiting)).to.throw(/ENOSPC/));
    state.set(3n, assigned);
    expect(ProviderState.peek(file)!.jobs).to.deep.equal({ "1": waiting, "2": waiting, "3": assigned });
    expect(fs.readFileSync(file, "utf8").endsWith("}\n")).to.equal(true);
  });

  describe("the former format (one JSON document per file)", function () {
    const legacyProvider = { version: 1, ...IDENTITY, nextBlock: 40, jobs: { "3": submitted, "5": waiting } };
    const write = (target: string, value: unknown) => {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, JSON.stringify(value, null, 2) + "\n");
    };

    it("is read once and converted in place: the agent resumes where the old one stopped", function () {
      write(file, legacyProvider);
      const state = ProviderState.load(file, IDENTITY, 0);
      expect([state.nextBlock, state.job(3n), state.job(5n)]).to.deep.equal([40, submitted, waiting]);
      expect(JSON.parse(lines(file)[0])).to.deep.include({ journal: "weft-agent-state", version: 2 });
      state.forget(5n);
      expect(ProviderState.peek(file)).to.deep.equal({ identity: IDENTITY, nextBlock: 40, jobs: { "3": submitted } });

      const checked = { verdict: "valid", label: "valid", block: 41, checkedAt: "t", ms: 3 };
      write(path.join(dir, "verifier", STATE_FILE_NAME), {
        version: 1,
        identity: VERIFIER,
        nextBlock: 41,
        checked: { "9": checked },
        findings: {},
        totals: { valid: 12 },
      });
      const verifier = VerifierState.load(path.join(dir, "verifier"), VERIFIER, 0);
      expect([verifier.nextBlock, verifier.checkedJob(9n), verifier.totals]).to.deep.equal([
        41,
        checked,
        { valid: 12 },
      ]);
      expect(JSON.parse(lines(verifier.file)[0]).journal).to.equal("weft-agent-state");
    });

    it("is refused, and left as it was, when it is another owner's, another version or not a state", async function () {
      const cases = [
        [
          legacyProvider,
          { ...IDENTITY, provider: "0x" + "11".repeat(20) },
          /is the state of provider 0x7099.*; pass another --state\.$/,
        ],
        [
          { ...legacyProvider, version: 7 },
          IDENTITY,
          /has state version 7, this agent reads 2 \(and converts 1\); pass another --state\.$/,
        ],
        [
          { nextBlock: 3 },
          IDENTITY,
          /provider\.json is not a state file of this agent \(it has no version\); pass another --state\.$/,
        ],
        [
          { version: 1, nextBlock: 3 },
          IDENTITY,
          /provider\.json is not a state file of this agent \(fields are missing\)/,
        ],
      ] as const;
      for (const [saved, identity, message] of cases) {
        write(file, saved);
        const before = fs.readFileSync(file, "utf8");
        await expectUserError(() => ProviderState.load(file, identity, 0), message);
        expect(fs.readFileSync(file, "utf8")).to.equal(before);
      }
      fs.writeFileSync(file, '{"version": 1, "nextBl');
      await expectUserError(
        () => ProviderState.load(file, IDENTITY, 0),
        /provider\.json is not valid JSON \(.*\); move it away to start afresh\.$/,
      );
    });
  });

  describe("cost", function () {
    /** A provider's steps for `jobs` jobs, kept submitted (as through a long challenge window): the state grows. */
    function providerSteps(state: ProviderState, from: number, jobs: number): number {
      for (let id = from; id < from + jobs; id++) {
        state.set(BigInt(id), waiting);
        state.set(BigInt(id), assigned);
        state.set(BigInt(id), submitted);
        state.nextBlock = id + 1;
        state.save();
      }
      return jobs * 4;
    }

    it("writes the same bytes per step at 1,000 jobs as at 100, where rewriting the whole state grew with them", function () {
      this.timeout(120_000);
      const state = ProviderState.load(file, IDENTITY, 0);
      // The first 100 jobs, the next 900, and 100 more on top of them.
      const perStep = [
        [1, 100],
        [101, 900],
        [1_001, 100],
      ].map(([from, jobs]) => {
        let steps = 0;
        const bytes = bytesWritten(() => (steps = providerSteps(state, from, jobs)));
        return bytes / steps;
      });
      const live = Buffer.byteLength(JSON.stringify(ProviderState.peek(file)));
      console.log(
        `      provider: ${perStep.map((bytes) => bytes.toFixed(0)).join(" / ")} bytes per step ` +
          `(jobs 1-100 / 101-1,000 / 1,001-1,100); the whole state at 1,100 jobs is ${live} bytes`,
      );
      expect(perStep[2] / perStep[0]).to.be.within(0.5, 1.5);
      // One whole-state rewrite per step would cost the live state's size: hundreds of times more by now.
      expect(perStep[2] * 100).to.be.below(live);
    });

    it("writes the same bytes per verifier step at 2,000 checked jobs as at 200, and drops what it no longer needs", function () {
      this.timeout(120_000);
      const state = VerifierState.load(dir, VERIFIER, 1);
      const check = (from: number, jobs: number) => {
        let steps = 0;
        const bytes = bytesWritten(() => {
          for (let job = from; job < from + jobs; job++) {
            state.recordCheck(BigInt(job), { verdict: "valid", label: "valid", block: job, checkedAt: "t", ms: 2 });
            steps++;
            if (job % 5 === 0) {
              state.advance(job);
              steps++;
            }
          }
        });
        return bytes / steps;
      };
      const perStep = [check(1, 200), check(201, 1_800), check(2_001, 200)];
      console.log(`      verifier: ${perStep.map((bytes) => bytes.toFixed(0)).join(" / ")} bytes per step`);
      expect(perStep[2] / perStep[0]).to.be.within(0.5, 1.5);
      expect(VerifierState.peek(dir)!.checked).to.deep.equal({});
    });

    it("keeps the file within 4 times the live state (or 64 KiB) as the state grows and shrinks", function () {
      this.timeout(120_000);
      const state = ProviderState.load(file, IDENTITY, 0);
      const bound = () => {
        const live = Buffer.byteLength(JSON.stringify(ProviderState.peek(file)));
        return Math.max(4 * live, 64 * 1024) + 1024;
      };
      let largest = 0;
      for (let id = 1; id <= 1_000; id++) {
        state.set(BigInt(id), submitted);
        if (id % 50 === 0) expect(fs.statSync(file).size).to.be.at.most(bound());
        largest = Math.max(largest, fs.statSync(file).size);
      }
      for (let id = 1; id <= 995; id++) {
        state.forget(BigInt(id));
        if (id % 50 === 0) expect(fs.statSync(file).size).to.be.at.most(bound());
      }
      const size = fs.statSync(file).size;
      console.log(`      file at 1,000 live jobs: at most ${largest} bytes; after forgetting all but 5: ${size} bytes`);
      expect(size).to.be.at.most(64 * 1024 + 1024);
      expect(ProviderState.load(file, IDENTITY, 0).jobsIn("submitted")).to.have.length(5);
    });
  });
});
