import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The tasks read deployments/<network>.json from DEPLOYMENTS_DIR, fixed when src/deploy/addressBook first loads, so
// the variable is set before anything below imports it (see JobTasks.test.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-model-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { memoryLogger } from "../../src/agents/logger";
import { readJob } from "../../src/chain/jobs";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { MlpBatchTree, mlpModelRoot, pairRoot } from "../../src/commitments/mlp-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { readJobInputs } from "../../src/jobs/input-content";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { defaultMlpLayers } from "../../src/jobs/request";
import { LOCAL_MODEL_INDEX, MODEL_INDEX_FILE, modelIndexPath } from "../../src/models/catalog";
import { ProviderAgent } from "../../src/provider/agent";
import { CpuBackend } from "../../src/provider/backends/cpu";
import { ProviderState } from "../../src/provider/state";
import { sha256Hex } from "../../src/store/content-store";
import { FileContentStore } from "../../src/store/fs-store";
import { encodeMlpInputs, generateMlpBatch, generateMlpModel, mlpParamsCodec } from "../../src/workloads/mlp-i8/codec";
import { encodeModel, type MlpModel, mlpParamsOf } from "../../src/workloads/mlp-i8/model";
import { Activation, MLP_I8_NAME, type MlpParams } from "../../src/workloads/mlp-i8/network";
import { quantizeModel } from "../../src/workloads/mlp-i8/quantize";
import { type DecodedJob, mlpI8 } from "../../src/workloads/registry";
import { JobStatus, registerAndStake } from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/model/publish";
import "../../tasks/job/create";
import "../../tasks/job/status";

const CLIENT_ACCOUNT = "1";

/** A 12-20-4 network (ReLU, then identity) and a batch of 5 rows, generated from seed 9. */
const SHAPE: MlpParams = {
  batch: 5,
  inputs: 12,
  layers: [
    { outputs: 20, multiplier: 3 << 18, shift: 28, activation: Activation.RELU },
    { outputs: 4, multiplier: 5, shift: 12, activation: Activation.IDENTITY },
  ],
};
const MODEL: MlpModel = generateMlpModel(SHAPE, 9);
const MODEL_BYTES = encodeModel(MODEL);
const MODEL_ROOT = mlpModelRoot(MODEL);
const BATCH = generateMlpBatch(SHAPE, 9);

const mlpJob = (params: MlpParams): DecodedJob => ({ name: MLP_I8_NAME, workload: mlpI8, params });

function createdJobId(output: string): bigint {
  const match = /Created job (\d+) \(tx 0x[0-9a-f]{64}/.exec(output);
  expect(match, output).not.to.equal(null);
  return BigInt(match![1]);
}

/** The batch as a .json file: an array of rows of int8 integers. */
function batchJson(batch: Int8Array, inputs: number): string {
  const rows = Array.from({ length: batch.length / inputs }, (_, b) =>
    Array.from(batch.subarray(b * inputs, (b + 1) * inputs)),
  );
  return JSON.stringify(rows);
}

describe("Model tasks and mlp-i8 jobs", function () {
  let dir: string;
  let storeDir: string;
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);

  async function deployedFixture(): Promise<WeftFixture & { usdAddress: string }> {
    const f = await loadFixture(deployWeftFixture);
    await registerAndStake(f, f.provider);
    await writeFixtureAddressBook(f);
    return { ...f, usdAddress: await f.usd.getAddress() };
  }

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-model-files-"));
    storeDir = path.join(dir, "store");
    fs.writeFileSync(path.join(dir, "model.wmlp"), MODEL_BYTES);
    fs.writeFileSync(path.join(dir, "batch.json"), batchJson(BATCH, SHAPE.inputs));
    fs.writeFileSync(path.join(dir, "batch.bin"), BATCH);
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function jobArgs(f: { usdAddress: string }, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      workload: MLP_I8_NAME,
      model: MODEL_ROOT,
      inputs: path.join(dir, "batch.json"),
      token: f.usdAddress,
      payment: "5",
      account: CLIENT_ACCOUNT,
      store: storeDir,
      ...overrides,
    };
  }

  it("publishes a model by its root, creates a job from the root and a batch file, and a provider computes it", async function () {
    const f = await loadFixture(deployedFixture);
    const sha256 = sha256Hex(MODEL_BYTES);
    const published = await runTask("model:publish", { file: path.join(dir, "model.wmlp"), store: storeDir });
    const store = new FileContentStore(storeDir);
    const index = path.join(storeDir, MODEL_INDEX_FILE);
    expect(published.split("\n")).to.deep.equal([
      `Published model ${MODEL_ROOT}`,
      `  URI:     ${store.uriFor(sha256)}`,
      `  SHA-256: ${sha256}`,
      "  Shape:   12-20-4 (relu, identity)",
      `  Size:    ${MODEL_BYTES.length} bytes`,
      `  Index:   ${index}`,
      `Run it: npx hardhat job:create --workload mlp-i8 --model ${MODEL_ROOT} --inputs <batch file> --payment <amount>`,
    ]);
    // 10 + 2 x 10 header bytes, 20 x (4 + 12) and 4 x (4 + 20) bytes of layers.
    expect(MODEL_BYTES.length).to.equal(446);
    expect(Buffer.from(await store.get(store.uriFor(sha256))).equals(Buffer.from(MODEL_BYTES))).to.equal(true);
    expect(JSON.parse(fs.readFileSync(index, "utf8"))).to.deep.equal({
      format: "weft-models/1",
      models: { [MODEL_ROOT.toLowerCase()]: { sha256, shape: "12-20-4", bytes: 446 } },
    });

    const created = await runTask("job:create", jobArgs(f));
    expect(created).to.include(`Read ${MODEL_BYTES.length + 60} input bytes: model ${MODEL_ROOT} and the batch in`);
    const id = createdJobId(created);
    const params = mlpParamsOf(MODEL, 5);
    const job = mlpJob(params);
    const inputs = encodeMlpInputs(MODEL_BYTES, BATCH);
    const stored = await readJob(f.JobEscrow, id);
    // The input root is the pair of the model's root and the batch's.
    expect(stored.inputRoot).to.equal(pairRoot(MODEL_ROOT, new MlpBatchTree(BATCH, SHAPE.inputs).root));
    expect(stored.inputRoot).to.equal(inputRootOf(job, inputs));
    expect(stored.paramsHash).to.equal(ethers.keccak256(mlpParamsCodec.encode(params)));
    const [event] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(id));
    expect(Buffer.from(await readJobInputs(job, event.args.inputURI)).equals(Buffer.from(inputs))).to.equal(true);
    // The job's stored inputs name the model by its SHA-256; the model is stored once.
    expect(Buffer.from((await store.get(event.args.inputURI)).subarray(0, 32)).toString("hex")).to.equal(sha256);

    // The same batch as raw int8 bytes, and the model by its file: the same job inputs.
    const raw = await runTask(
      "job:create",
      jobArgs(f, { model: path.join(dir, "model.wmlp"), inputs: path.join(dir, "batch.bin") }),
    );
    expect((await readJob(f.JobEscrow, createdJobId(raw))).inputRoot).to.equal(stored.inputRoot);

    const table = await runTask("job:status", {});
    expect(table).to.match(new RegExp(`│ ${id}\\s+│ Open\\s+│ mlp-i8`));
    const detail = await runTask("job:status", { id: String(id) });
    expect(detail).to.match(/│ workload\s+│ mlp-i8 12-20-4 x 5\s+│/);

    const logger = memoryLogger();
    const stateFile = path.join(dir, "provider.json");
    const agent = await ProviderAgent.create({
      system: f,
      signer: f.provider,
      backend: new CpuBackend(),
      store: new FileContentStore(path.join(dir, "provider-store")),
      stateFile,
      startBlock: 0,
      logger,
      retry: { attempts: 1 },
    });
    await agent.tick();
    const reference = new ResultTree(await referenceOutput(job, inputs)).root;
    for (const jobId of [id, id + 1n]) {
      const submitted = await readJob(f.JobEscrow, jobId);
      expect(submitted.status).to.equal(JobStatus.Submitted);
      expect(submitted.resultRoot).to.equal(reference);
    }
    expect(logger.lines.join("\n")).to.include(`job ${id}: accepted (mlp-i8 12-20-4 x 5`);
    expect(Object.keys(ProviderState.peek(stateFile)!.jobs)).to.have.length(2);
  });

  it("prints the published model as JSON with --json", async function () {
    const output = await runTask("model:publish", { file: path.join(dir, "model.wmlp"), store: storeDir, json: true });
    expect(JSON.parse(output)).to.deep.equal({
      root: MODEL_ROOT,
      uri: new FileContentStore(storeDir).uriFor(sha256Hex(MODEL_BYTES)),
      sha256: sha256Hex(MODEL_BYTES),
      shape: "12-20-4",
      bytes: 446,
      inputs: 12,
      layers: [
        { outputs: 20, multiplier: 3 << 18, shift: 28, activation: "relu" },
        { outputs: 4, multiplier: 5, shift: 12, activation: "identity" },
      ],
      index: path.join(storeDir, MODEL_INDEX_FILE),
    });
  });

  it("quantizes and publishes a float network, calibrated by a file of float rows", async function () {
    const float = {
      format: "weft-mlp-float/1",
      inputScale: 0.5,
      layers: [
        {
          weights: [
            [1, -0.5],
            [0.25, 2],
            [-1, 1],
          ],
          biases: [0.5, 0, -0.25],
          activation: "relu",
        },
        { weights: [[1, -1, 0.5]], biases: [0], activation: "identity", outputScale: 0.125 },
      ],
    };
    const calibration = [
      [1, 2],
      [-3, 0.5],
      [4, -4],
    ];
    fs.writeFileSync(path.join(dir, "net.json"), JSON.stringify(float));
    fs.writeFileSync(path.join(dir, "calibration.json"), JSON.stringify(calibration));
    await expectTaskError(
      "model:publish",
      { file: path.join(dir, "net.json"), store: storeDir },
      /--file .*net\.json: layers\[0\] has no outputScale; give --calibration <rows\.json>, a JSON array of typical float input rows, to calibrate it\.$/,
    );
    await expectTaskError(
      "model:publish",
      { file: path.join(dir, "net.json"), calibration: path.join(dir, "batch.bin"), store: storeDir },
      /--calibration .*batch\.bin is not JSON/,
    );
    const quantized = quantizeModel(float as Parameters<typeof quantizeModel>[0], { calibration });
    const output = await runTask("model:publish", {
      file: path.join(dir, "net.json"),
      calibration: path.join(dir, "calibration.json"),
      store: storeDir,
      json: true,
    });
    const json = JSON.parse(output);
    expect(json.root).to.equal(mlpModelRoot(quantized.model));
    expect(json.sha256).to.equal(sha256Hex(encodeModel(quantized.model)));
    expect(json.shape).to.equal("2-3-1");
    expect(json.inputScale).to.equal(0.5);
  });

  it("creates a job of a generated network and batch from --layers, --batch and --seed", async function () {
    const f = await loadFixture(deployedFixture);
    const output = await runTask(
      "job:create",
      jobArgs(f, { model: undefined, inputs: undefined, layers: "12-20-4", batch: "3", seed: "4" }),
    );
    const params: MlpParams = { batch: 3, inputs: 12, layers: defaultMlpLayers([12, 20, 4]) };
    expect(params.layers).to.deep.equal([
      { outputs: 20, multiplier: Math.round(2 ** 24 / Math.sqrt(12)), shift: 31, activation: Activation.RELU },
      { outputs: 4, multiplier: Math.round(2 ** 24 / Math.sqrt(20)), shift: 31, activation: Activation.IDENTITY },
    ]);
    const job = mlpJob(params);
    const stored = await readJob(f.JobEscrow, createdJobId(output));
    expect(stored.inputRoot).to.equal(inputRootOf(job, generateInputs(job, 4)));
    expect(stored.paramsHash).to.equal(ethers.keccak256(mlpParamsCodec.encode(params)));
  });

  it("creates a job from a published model and a batch generated from --seed and --batch", async function () {
    const f = await loadFixture(deployedFixture);
    await runTask("model:publish", { file: path.join(dir, "model.wmlp"), store: storeDir });
    const output = await runTask("job:create", jobArgs(f, { inputs: undefined, seed: "9", batch: "5" }));
    expect(output).to.include(`model ${MODEL_ROOT} and a batch generated from seed 9`);
    const stored = await readJob(f.JobEscrow, createdJobId(output));
    expect(stored.inputRoot).to.equal(inputRootOf(mlpJob(SHAPE), encodeMlpInputs(MODEL_BYTES, BATCH)));
  });

  it("keeps the model index of an HTTP store in the working directory", function () {
    expect(modelIndexPath("http://127.0.0.1:8090")).to.equal(LOCAL_MODEL_INDEX);
    expect(LOCAL_MODEL_INDEX).to.equal(path.join(".weft", "models.json"));
    expect(modelIndexPath("/srv/store")).to.equal(path.join("/srv/store", "models.json"));
    expect(modelIndexPath("file:///srv/store")).to.equal(path.join("/srv/store", "models.json"));
  });

  describe("refuses bad input with one line and creates nothing", function () {
    type Fixture = Awaited<ReturnType<typeof deployedFixture>>;
    const otherRoot = `0x${"ab".repeat(32)}`;
    const cases: [string, (f: Fixture) => Record<string, unknown>, RegExp][] = [
      [
        "a root that was never published",
        (f) => jobArgs(f, { model: otherRoot }),
        new RegExp(`No model with root ${otherRoot} in the model index .*models\\.json; publish it first`),
      ],
      [
        "a model file that is not a model",
        (f) => jobArgs(f, { model: path.join(dir, "batch.bin") }),
        /--model .*batch\.bin: mlp-i8: not a model file: it does not start with "WMLP"/,
      ],
      [
        "both --inputs and --seed with --model",
        (f) => jobArgs(f, { seed: "1" }),
        /mlp-i8 with --model needs its batch: .* give exactly one of --inputs and --seed/,
      ],
      [
        "--batch with a batch file",
        (f) => jobArgs(f, { batch: "5" }),
        /--batch is for a generated batch \(--seed\); with --inputs the batch is the file's rows/,
      ],
      ["--layers with --model", (f) => jobArgs(f, { layers: "12-4" }), /mlp-i8 takes no --layers: the model's shapes/],
      [
        "a .json batch whose rows are not the model's width",
        (f) => {
          fs.writeFileSync(path.join(dir, "wide.json"), JSON.stringify([[1, 2, 3]]));
          return jobArgs(f, { inputs: path.join(dir, "wide.json") });
        },
        /wide\.json must be a JSON array of rows, each 12 integers from -128 to 127 \(the model's input width\); row 0 is not/,
      ],
      [
        "a .json batch value outside int8",
        (f) => {
          fs.writeFileSync(path.join(dir, "big.json"), JSON.stringify([Array(12).fill(128)]));
          return jobArgs(f, { inputs: path.join(dir, "big.json") });
        },
        /big\.json must be a JSON array of rows, each 12 integers from -128 to 127/,
      ],
      [
        "a raw batch whose size is not a multiple of the width",
        (f) => {
          fs.writeFileSync(path.join(dir, "odd.bin"), new Uint8Array(25));
          return jobArgs(f, { inputs: path.join(dir, "odd.bin") });
        },
        /odd\.bin has 25 bytes; a raw batch is rows of 12 int8 values .* a positive multiple of 12/,
      ],
      [
        "a batch file without --model",
        (f) => jobArgs(f, { model: undefined }),
        /--inputs is the batch of a model: give --model <root\|file> with it/,
      ],
      [
        "a generated network without --seed",
        (f) => jobArgs(f, { model: undefined, inputs: undefined, layers: "12-4", batch: "2" }),
        /mlp-i8 needs --model <root\|file> with --inputs <batch file> \(or --seed and --batch\), or a generated network/,
      ],
      [
        "--layers with one width",
        (f) => jobArgs(f, { model: undefined, inputs: undefined, layers: "12", batch: "2", seed: "1" }),
        /--layers must be "inputs-width-...-outputs"/,
      ],
      [
        "--layers beyond the workload's limits",
        (f) => jobArgs(f, { model: undefined, inputs: undefined, layers: "12-5000-4", batch: "2", seed: "1" }),
        /--layers "12-5000-4" is out of range: mlp-i8: layers\[0\]\.outputs must be/,
      ],
      [
        "--shape for mlp-i8",
        (f) => jobArgs(f, { shape: "1,2,3" }),
        /mlp-i8 takes no --shape: the model's shapes are its params/,
      ],
    ];
    for (const [what, args, pattern] of cases) {
      it(`refuses ${what}`, async function () {
        const f = await loadFixture(deployedFixture);
        await runTask("model:publish", { file: path.join(dir, "model.wmlp"), store: storeDir });
        const before = fs.readdirSync(storeDir).sort();
        await expectTaskError("job:create", args(f), pattern);
        expect(await f.JobEscrow.jobCount()).to.equal(0n);
        expect(fs.readdirSync(storeDir).sort()).to.deep.equal(before);
      });
    }

    it("refuses a model file that does not exist and a calibration file for a .wmlp model", async function () {
      await expectTaskError(
        "model:publish",
        { file: path.join(dir, "missing.wmlp"), store: storeDir },
        /--file .*missing\.wmlp does not exist or cannot be read/,
      );
      await expectTaskError(
        "model:publish",
        { file: path.join(dir, "model.wmlp"), calibration: path.join(dir, "batch.json"), store: storeDir },
        /--calibration is for a float network \(\.json\); .*model\.wmlp is taken as a \.wmlp model/,
      );
      expect(fs.existsSync(storeDir)).to.equal(false);
    });
  });
});
