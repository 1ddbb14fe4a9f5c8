import fs from "node:fs";
import path from "node:path";

import type { WeftParameters } from "../../config/parameters";
import { UserError } from "../errors";
import type { VestingWalletAddresses } from "./launch";
import { WEFT_CONTRACT_NAMES, type WeftAddresses } from "./system";

/** A structure with its bigints written as decimal strings, as JSON holds them. */
export type Stringified<T> = { [K in keyof T]: T[K] extends bigint ? string : Stringified<T[K]> };

/** What `npx hardhat deploy` records about a deployment in deployments/<network>.json. */
export interface AddressBook {
  network: string;
  chainId: number;
  contracts: WeftAddresses;
  /** The CliffVestingWallet holding each vested launch allocation (config/parameters.ts `launch.vested`). */
  vestingWallets: VestingWalletAddresses;
  deploymentBlock: number;
  commit: string;
  deployedAt: string;
  parameters: Stringified<WeftParameters>;
}

/** deployments/ of this repository, unless WEFT_DEPLOYMENTS_DIR points elsewhere (tests do). */
export const DEPLOYMENTS_DIR = process.env.WEFT_DEPLOYMENTS_DIR ?? path.resolve(__dirname, "..", "..", "deployments");

export function addressBookPath(network: string, dir: string = DEPLOYMENTS_DIR): string {
  return path.join(dir, `${network}.json`);
}

/** The parameters as the address book stores them. */
export function stringifyParameters(parameters: WeftParameters): Stringified<WeftParameters> {
  return JSON.parse(
    JSON.stringify(parameters, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
  ) as Stringified<WeftParameters>;
}

/** Writes the address book atomically: a crash never leaves a half-written file behind. */
export function writeAddressBook(book: AddressBook, dir: string = DEPLOYMENTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = addressBookPath(book.network, dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(book, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return file;
}

/** Reads deployments/<network>.json, or says how to create it. */
export function readAddressBook(network: string, dir: string = DEPLOYMENTS_DIR): AddressBook {
  const file = addressBookPath(network, dir);
  if (!fs.existsSync(file)) {
    throw new UserError(`No deployment for network ${network} (${file}). Run: npx hardhat deploy --network ${network}`);
  }
  const book = JSON.parse(fs.readFileSync(file, "utf8")) as AddressBook;
  const missing: string[] = WEFT_CONTRACT_NAMES.filter((name) => typeof book.contracts?.[name] !== "string");
  if (typeof book.vestingWallets !== "object" || book.vestingWallets === null) missing.push("vestingWallets");
  if (missing.length > 0) {
    throw new UserError(
      `${file} lacks ${missing.join(", ")}: it predates this version. Redeploy: npx hardhat deploy --network ${network}`,
    );
  }
  return book;
}
