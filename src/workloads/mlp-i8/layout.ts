/**
 * Where every value of an mlp-i8 output lives. The output is a sequence of 32-bit big-endian words, layer by layer:
 *
 *   layer l: acc block   batch * outputs words, acc[b][j] at word accWord + b * outputs + j (int32)
 *            act block   batch * outputs int8 bytes, y[b][j] at byte b * outputs + j of the block, packed four to a
 *                        word in byte order (the block's bytes are the bytes of its words), zero-padded to a word
 *   then zero words up to a power of two times MLP_CHUNK_WORDS.
 *
 * Why layer by layer: everything a layer's values are computed from comes before them, so the first word where a
 * wrong output differs from the correct one has correct inputs, already committed. Why a power of two of chunks:
 * then every subtree of the result tree covers consecutive chunks, so a challenger who bisected a withheld result
 * down to its first wrong chunk can prove every earlier chunk from its own tree and the nodes the provider revealed.
 */
import { layerInputs, type MlpParams } from "./network";

/** Words per result chunk: RESULT_CHUNK_WORDS of src/commitments/result-tree.ts (a test keeps them equal). */
export const MLP_CHUNK_WORDS = 128;
const WORD_BYTES = 4;

/** Where one layer's values are. */
export interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  /** First word of the accumulators. */
  readonly accWord: number;
  /** First word of the activations. */
  readonly actWord: number;
  /** Words of the activations, the padding included. */
  readonly actWords: number;
}

export interface MlpOutputLayout {
  readonly layers: readonly LayerLayout[];
  /** Words holding values (the padding to a whole word of each act block included). */
  readonly valueWords: number;
  /** All words: valueWords, padded with zero words to a power of two times MLP_CHUNK_WORDS. */
  readonly totalWords: number;
}

export function mlpOutputLayout(params: MlpParams): MlpOutputLayout {
  let word = 0;
  const layers = params.layers.map((layer, l) => {
    const values = params.batch * layer.outputs;
    const actWords = Math.ceil(values / WORD_BYTES);
    const at: LayerLayout = {
      inputs: layerInputs(params, l),
      outputs: layer.outputs,
      accWord: word,
      actWord: word + values,
      actWords,
    };
    word += values + actWords;
    return at;
  });
  let chunks = 1;
  while (chunks * MLP_CHUNK_WORDS < word) chunks *= 2;
  return { layers, valueWords: word, totalWords: chunks * MLP_CHUNK_WORDS };
}

/** Byte offset in the output of activation y[b][j] of layer `layer`. */
export function activationByte(layout: MlpOutputLayout, layer: number, item: number, unit: number): number {
  const at = layout.layers[layer];
  return at.actWord * WORD_BYTES + item * at.outputs + unit;
}

/** Byte offset in the output of accumulator acc[b][j] of layer `layer` (its first, most significant byte). */
export function accumulatorByte(layout: MlpOutputLayout, layer: number, item: number, unit: number): number {
  const at = layout.layers[layer];
  return (at.accWord + item * at.outputs + unit) * WORD_BYTES;
}
