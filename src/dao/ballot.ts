/** A ballot signed with `dao:vote --by-sig --print-only`, read back for `dao:relay` from its JSON or a file. */
import fs from "node:fs";
import { ethers } from "ethers";

import { UserError } from "../errors";
import { VOTE_SUPPORT } from "./governor";

export interface SignedBallot {
  readonly proposalId: bigint;
  readonly support: number;
  readonly voter: string;
  readonly signature: string;
}

const SUPPORTS = new Set<number>(Object.values(VOTE_SUPPORT));

/** Parses `text`, a ballot's JSON or the name of a file holding it, checking each field's shape. */
export function readBallot(text: string): SignedBallot {
  const json = text.trim().startsWith("{") ? text : readFile(text);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`--ballot is not valid JSON: ${(error as Error).message}`);
  }
  const { proposalId, support, voter, signature } = parsed ?? {};
  const fix = "Give the JSON dao:vote --by-sig --print-only printed, unchanged.";
  if (typeof proposalId !== "string" || !/^\d+$/.test(proposalId)) {
    throw new UserError(`--ballot's proposalId must be a decimal string. ${fix}`);
  }
  if (typeof support !== "number" || !SUPPORTS.has(support)) {
    throw new UserError(`--ballot's support must be 0 (against), 1 (for) or 2 (abstain). ${fix}`);
  }
  if (typeof voter !== "string" || !ethers.isAddress(voter))
    throw new UserError(`--ballot's voter must be an address. ${fix}`);
  if (typeof signature !== "string" || !ethers.isHexString(signature, 65)) {
    throw new UserError(`--ballot's signature must be 65 bytes of hex. ${fix}`);
  }
  return { proposalId: BigInt(proposalId), support, voter: ethers.getAddress(voter), signature };
}

function readFile(file: string): string {
  if (!fs.existsSync(file))
    throw new UserError(`--ballot: no file ${file}, and the text is not a ballot's JSON either.`);
  return fs.readFileSync(file, "utf8");
}
