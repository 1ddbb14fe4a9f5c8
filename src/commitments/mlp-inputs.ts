/**
 * mlp-i8 input commitment. Two trees, so a model is named by its own root whatever batch it runs on:
 *  - the model tree: for each layer in order, a LAYER leaf (its shape and constants) then one UNIT leaf per unit (its
 *    bias and weights, what one output element is computed from);
 *  - the batch tree: one INPUT_ROW leaf per item.
 * The job's input root is the OZ node over the two roots, commutativeKeccak256(modelRoot, batchRoot): a proof
 * against either root, followed by the other root, is a proof against the input root, which is how the checker
 * reads a unit or a row.
 */
import { concat, keccak256 } from "ethers";

import { type MlpJobInputs } from "../workloads/mlp-i8/codec";
import type { MlpModel } from "../workloads/mlp-i8/model";
import { layerInputs } from "../workloads/mlp-i8/network";
import { MlpInputKind, mlpInputRowLeafMessages, mlpLayerLeafMessages, mlpUnitLeafMessages } from "./leaves";
import { type LeafMessages, MerkleTree } from "./merkle";

const BIAS_BYTES = 4;

/** A leaf with what proves it against the job's input root. */
export interface MlpInputProof {
  /** The leaf's headers: [kind, item] for a row, [kind, layer, unit] for a unit. */
  readonly header: readonly number[];
  /** A row's int8 values, or a unit's bias (int32 big-endian) then its weights. */
  readonly data: Uint8Array;
  readonly proof: string[];
}

/** The OZ node over two roots (sorted pair). */
export function pairRoot(a: string, b: string): string {
  return keccak256(a.toLowerCase() < b.toLowerCase() ? concat([a, b]) : concat([b, a]));
}

/** A unit's leaf data: bias then weights. */
export function unitData(model: MlpModel, layer: number, unit: number): Uint8Array {
  const { biases, weights } = model.layers[layer];
  const inputs = layerInputs(model, layer);
  const data = new Uint8Array(BIAS_BYTES + inputs);
  new DataView(data.buffer).setInt32(0, biases[unit]);
  data.set(new Uint8Array(weights.buffer, weights.byteOffset + unit * inputs, inputs), BIAS_BYTES);
  return data;
}

/** The tree of a model; its root names the model. */
export class MlpModelTree {
  private readonly tree: MerkleTree;
  /** Leaf index of each layer's LAYER leaf; its units follow it. */
  private readonly layerLeaf: number[] = [];

  constructor(readonly model: MlpModel) {
    const runs: LeafMessages[] = [];
    let leaf = 0;
    model.layers.forEach((layer, l) => {
      const inputs = layerInputs(model, l);
      this.layerLeaf.push(leaf);
      runs.push(mlpLayerLeafMessages([l, inputs, layer.outputs, layer.multiplier, layer.shift, layer.activation]));
      runs.push(
        mlpUnitLeafMessages(l, layer.outputs, BIAS_BYTES + inputs, (into, unit) => into.set(unitData(model, l, unit))),
      );
      leaf += 1 + layer.outputs;
    });
    this.tree = MerkleTree.fromLeafMessages(runs);
  }

  get root(): string {
    return this.tree.root;
  }

  /** Unit `unit` of layer `layer` with its proof against the model root. */
  unitProof(layer: number, unit: number): MlpInputProof {
    return {
      header: [MlpInputKind.UNIT, layer, unit],
      data: unitData(this.model, layer, unit),
      proof: this.tree.proof(this.layerLeaf[layer] + 1 + unit),
    };
  }
}

/** The root of a model (what `model:publish` prints and `job:create --model` accepts). */
export const mlpModelRoot = (model: MlpModel): string => new MlpModelTree(model).root;

/** The tree of a batch: row b of `batch` (width int8 values each) is leaf b. */
export class MlpBatchTree {
  private readonly tree: MerkleTree;

  constructor(
    private readonly batch: Int8Array,
    private readonly width: number,
  ) {
    const rows = batch.length / width;
    this.tree = MerkleTree.fromLeafMessages([mlpInputRowLeafMessages(rows, width, (item) => this.row(item))]);
  }

  get root(): string {
    return this.tree.root;
  }

  row(item: number): Uint8Array {
    return new Uint8Array(this.batch.buffer, this.batch.byteOffset + item * this.width, this.width);
  }

  rowProof(item: number): MlpInputProof {
    return { header: [MlpInputKind.INPUT_ROW, item], data: this.row(item), proof: this.tree.proof(item) };
  }
}

/** Both trees of a job's inputs, and proofs against its input root. */
export class MlpInputTree {
  readonly model: MlpModelTree;
  readonly batch: MlpBatchTree;

  constructor(inputs: MlpJobInputs) {
    this.model = new MlpModelTree(inputs.model);
    this.batch = new MlpBatchTree(inputs.batch, inputs.model.inputs);
  }

  get root(): string {
    return pairRoot(this.model.root, this.batch.root);
  }

  /** Batch row `item`, proven against the input root. */
  inputRowProof(item: number): MlpInputProof {
    const row = this.batch.rowProof(item);
    return { ...row, proof: [...row.proof, this.model.root] };
  }

  /** Unit `unit` of layer `layer`, proven against the input root. */
  unitProof(layer: number, unit: number): MlpInputProof {
    const unitProof = this.model.unitProof(layer, unit);
    return { ...unitProof, proof: [...unitProof.proof, this.batch.root] };
  }
}
