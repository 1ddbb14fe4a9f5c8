/**
 * What checking one submitted result can conclude. Every field is a JSON value (hex strings for bytes, decimal
 * strings for ids), so a verdict can be written to the state file and to evidence files as it is.
 */

/** The outcome of fetching a job's inputs or output from a content store. */
export type Fetched =
  { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly error: string };

/** What every finding names: the job, and the commitments it was checked against. */
export interface FindingBase {
  /** Decimal job id. */
  readonly jobId: string;
  readonly workload: string;
  /** The job's ABI-encoded params, as the on-chain checker needs them. */
  readonly params: string;
  readonly inputRoot: string;
  readonly resultRoot: string;
}

/** One result chunk with its proof against the committed result root. */
export interface ChunkEvidence {
  readonly chunkIndex: number;
  /** The chunk's bytes (big-endian 32-bit words). */
  readonly chunk: string;
  readonly proof: string[];
}

/** One row of A or column of B with its proof against the committed input root. */
export interface VectorEvidence {
  readonly index: number;
  /** k int8 values, one two's-complement byte each. */
  readonly vector: string;
  readonly proof: string[];
}

/**
 * The withheld-data path: no output that matches the commitment can be had, so the dispute bisects the committed
 * result tree against the tree of the recomputed output, down to a chunk the provider must reveal.
 */
export interface WithheldDataEvidence {
  /** Chunks the correct output has. */
  readonly chunkCount: number;
}

export interface OutputUnavailableFinding extends FindingBase, WithheldDataEvidence {
  readonly kind: "output-unavailable";
  /** Why the output could not be fetched. */
  readonly error: string;
}

export interface ResultRootMismatchFinding extends FindingBase, WithheldDataEvidence {
  readonly kind: "result-root-mismatch";
  /** The root of what was published, or null if no result tree can be built over it. */
  readonly publishedRoot: string | null;
}

/** The committed output itself has the wrong size: its last chunk, proven, shows where it ends. */
export interface OutputMalformedFinding extends FindingBase {
  readonly kind: "output-malformed";
  readonly expectedBytes: number;
  readonly actualBytes: number;
  readonly lastChunk: ChunkEvidence;
}

/** matmul-i8: C[row][col] is wrong; everything an on-chain checker needs to recompute it. */
export interface WrongElementFinding extends FindingBase {
  readonly kind: "wrong-element";
  readonly row: number;
  readonly col: number;
  /** Index of C[row][col] in the output (row * n + col). */
  readonly wordIndex: number;
  readonly claimed: number;
  readonly correct: number;
  readonly rowOfA: VectorEvidence;
  readonly columnOfB: VectorEvidence;
  readonly result: ChunkEvidence;
}

/** mandelbrot-q: pixel (x, y) is wrong. */
export interface WrongPixelFinding extends FindingBase {
  readonly kind: "wrong-pixel";
  /** Index of the pixel in the output (y * width + x). */
  readonly pixelIndex: number;
  readonly x: number;
  readonly y: number;
  readonly claimed: number;
  readonly correct: number;
  readonly result: ChunkEvidence;
}

/** A layer's input for an mlp-i8 fraud proof: the batch row, or the whole result chunks holding the row. */
export interface LayerInputEvidence {
  /** Layers after the first: the index of the first chunk in `data`; 0 for the first layer. */
  readonly firstChunk: number;
  /** The batch row (first layer) or the chunks, concatenated. */
  readonly data: string;
  /** One proof against the input root (first layer) or one per chunk against the result root. */
  readonly proofs: string[][];
}

/** An mlp-i8 unit's bias (int32, big-endian) and weights, with its proof against the input root. */
export interface UnitEvidence {
  readonly data: string;
  readonly proof: string[];
}

/**
 * mlp-i8: one committed value of one layer is wrong: accumulator or activation `element` (item * outputs + unit) of
 * layer `layer`, or a padding byte or word that is not zero (the input and unit are then empty).
 */
export interface WrongValueFinding extends FindingBase {
  readonly kind: "wrong-value";
  /** The layer, or the number of layers for a padding word after the last layer. */
  readonly layer: number;
  readonly element: number;
  /** The accumulator (int32) of the element, or its activation (int8). */
  readonly accumulator: boolean;
  /** The output word holding the value. */
  readonly wordIndex: number;
  readonly claimed: number;
  readonly correct: number;
  readonly input: LayerInputEvidence;
  readonly unit: UnitEvidence;
  readonly result: ChunkEvidence;
}

/** A finding that names one wrong output word, proven by a workload checker in one transaction. */
export type ProofFinding = WrongElementFinding | WrongPixelFinding | WrongValueFinding;

/** A provider fault: every finding is disputable. */
export type Finding = OutputUnavailableFinding | ResultRootMismatchFinding | OutputMalformedFinding | ProofFinding;

/** Whether a finding is settled by a fraud proof (rather than the withheld-data path). */
export function isProofFinding(finding: Finding): finding is ProofFinding {
  return finding.kind === "wrong-element" || finding.kind === "wrong-pixel" || finding.kind === "wrong-value";
}

export type FindingKind = Finding["kind"];

export type Verdict =
  | { readonly verdict: "valid" }
  /** The job's own inputs cannot be had or do not match its inputRoot: the client's problem, not disputable. */
  | { readonly verdict: "inputs-unverifiable"; readonly reason: string }
  | { readonly verdict: "finding"; readonly finding: Finding };

export type VerdictName = Verdict["verdict"];

/** One word for a log line or a metric label: valid, inputs-unverifiable, or the finding's kind. */
export function verdictLabel(verdict: Verdict): string {
  return verdict.verdict === "finding" ? verdict.finding.kind : verdict.verdict;
}

/** The finding in a few words, for a log line. */
export function describeFinding(finding: Finding): string {
  switch (finding.kind) {
    case "output-unavailable":
      return `output unavailable (${finding.error})`;
    case "result-root-mismatch":
      return `published output hashes to ${finding.publishedRoot ?? "no result tree"}, not ${finding.resultRoot}`;
    case "output-malformed":
      return `output is ${finding.actualBytes} bytes, not ${finding.expectedBytes}`;
    case "wrong-element":
      return `C[${finding.row}][${finding.col}] is ${finding.claimed}, correct ${finding.correct}`;
    case "wrong-pixel":
      return `pixel (${finding.x}, ${finding.y}) is ${finding.claimed}, correct ${finding.correct}`;
    case "wrong-value":
      return `layer ${finding.layer} ${finding.accumulator ? "accumulator" : "activation"} ${finding.element} is ${finding.claimed}, correct ${finding.correct}`;
  }
}
