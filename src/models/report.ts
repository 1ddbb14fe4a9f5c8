/** What `model:publish` prints: lines for people, or one JSON object. */
import { ACTIVATION_NAMES } from "../workloads/mlp-i8/network";
import { type PublishedModel, modelShape } from "./catalog";

/** The JSON `model:publish --json` prints. */
export interface PublishedModelJson {
  readonly root: string;
  readonly uri: string;
  readonly sha256: string;
  readonly shape: string;
  readonly bytes: number;
  readonly inputs: number;
  readonly layers: readonly { outputs: number; multiplier: number; shift: number; activation: string }[];
  readonly index: string;
  /** When quantized from a float network: the real value of one int8 step of the input. */
  readonly inputScale?: number;
}

export function publishedModelJson(published: PublishedModel): PublishedModelJson {
  const { loaded } = published;
  return {
    root: loaded.root,
    uri: published.uri,
    sha256: loaded.sha256,
    shape: modelShape(loaded),
    bytes: loaded.bytes.length,
    inputs: loaded.model.inputs,
    layers: loaded.model.layers.map(({ outputs, multiplier, shift, activation }) => ({
      outputs,
      multiplier,
      shift,
      activation: ACTIVATION_NAMES[activation],
    })),
    index: published.indexPath,
    ...(loaded.quantized === undefined ? {} : { inputScale: loaded.quantized.inputScale }),
  };
}

export function describePublishedModel(published: PublishedModel): string[] {
  const json = publishedModelJson(published);
  const lines = [
    `Published model ${json.root}`,
    `  URI:     ${json.uri}`,
    `  SHA-256: ${json.sha256}`,
    `  Shape:   ${json.shape} (${json.layers.map((layer) => layer.activation).join(", ")})`,
    `  Size:    ${json.bytes.toLocaleString("en-US")} bytes`,
    `  Index:   ${json.index}`,
  ];
  if (json.inputScale !== undefined) {
    lines.push(`  Input scale: ${json.inputScale} (an input's int8 value is round(real value / ${json.inputScale}))`);
  }
  lines.push(
    `Run it: npx hardhat job:create --workload mlp-i8 --model ${json.root} --inputs <batch file> --payment <amount>`,
  );
  return lines;
}
