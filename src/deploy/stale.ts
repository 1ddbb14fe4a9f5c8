/**
 * A deployment recorded for a chain that no longer holds it. A local node starts with an empty chain each time it is
 * started, under the same chain id, so after a restart the address book and Ignition's journal still name contracts
 * that are gone: Ignition reads its journal and does nothing, and every call to a missing contract returns no data,
 * which ethers reports as "could not decode result data". One getCode call tells the two apart.
 */
import fs from "node:fs";
import path from "node:path";

import { isLocalNetwork } from "../../config/parameters";
import { UserError } from "../errors";

/** Where a deployment is recorded, and one contract it records. */
export interface DeploymentRecord {
  /** The file, as the message names it. */
  readonly file: string;
  readonly contract: string;
  readonly address: string;
}

/** What to do about a record whose contracts are gone, beside the advice of local networks. */
export interface StaleAdvice {
  /** Off local networks, where the record belongs to another chain: what to do. */
  readonly elsewhere: string;
  /** The deployment id the command was given, for the command that starts over. */
  readonly deploymentId?: string;
}

/**
 * Refuses a record whose contract has no code on `network`, saying why (the in-process network starts empty with
 * each command; a local node was restarted since; elsewhere the record belongs to another chain) and what to do.
 */
export async function assertRecordOnChain(
  provider: { getCode(address: string): Promise<string> },
  network: string,
  record: DeploymentRecord,
  advice: StaleAdvice,
): Promise<void> {
  if ((await provider.getCode(record.address)) !== "0x") return;
  const id = advice.deploymentId === undefined ? "" : ` --deployment-id ${advice.deploymentId}`;
  const [why, fix] =
    network === "hardhat"
      ? [
          "the in-process hardhat network starts empty with every command",
          "Start a node (npx hardhat node) and use --network localhost.",
        ]
      : isLocalNetwork(network)
        ? [
            "the node was restarted since that deployment, and its chain started empty",
            `Run: npx hardhat deploy --network ${network} --reset${id}`,
          ]
        : ["it records a deployment on another chain", advice.elsewhere];
  throw new UserError(
    `${record.file} records contracts that are not on ${network} (no code at ${record.contract} ${record.address}): ` +
      `${why}. ${fix}`,
  );
}

/** The file in an Ignition journal's directory mapping each deployed contract's future id to its address. */
const DEPLOYED_ADDRESSES = "deployed_addresses.json";

/** The first contract an Ignition journal records as deployed, if it records any. */
export function journalRecord(journalDir: string): DeploymentRecord | undefined {
  const file = path.join(journalDir, DEPLOYED_ADDRESSES);
  if (!fs.existsSync(file)) return undefined;
  const deployed = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const [first] = Object.entries(deployed);
  if (first === undefined) return undefined;
  const [contract, address] = first;
  return { file: `Ignition's journal ${path.relative(process.cwd(), journalDir) || journalDir}`, contract, address };
}
