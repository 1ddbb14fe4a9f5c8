/**
 * Which key a task signs with: `--account` (an index of the network's configured accounts, a role whose key is set,
 * or one of their addresses), `--keystore` (an encrypted JSON keystore), or by default the task's role's key where
 * one is set for the network, else account 0.
 */
import fs from "node:fs";
import { type Signer, Wallet } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { networkKeyVar, ROLE_KEY_VARS, roleAddresses, SIGNING_ROLES, type SigningRole } from "../../config/networks";
import { UserError } from "../errors";
import { withRetry } from "../chain/retry";

export type { SigningRole } from "../../config/networks";

/** How a task was asked to sign, and the role it signs for. */
export interface SignerChoice {
  readonly account?: string;
  readonly keystore?: string;
  readonly role: SigningRole;
}

/** The environment variable a keystore's password is read from when it is set; otherwise it is asked for. */
export const KEYSTORE_PASSWORD_VAR = "WEFT_KEYSTORE_PASSWORD";

/** The signer `choice` names on this network, connected to its provider. */
export async function resolveSigner(hre: HardhatRuntimeEnvironment, choice: SignerChoice): Promise<Signer> {
  if (choice.keystore !== undefined) {
    if (choice.account !== undefined) throw new UserError("Give --account or --keystore, not both.");
    return (await openKeystore(choice.keystore)).connect(hre.ethers.provider);
  }
  const signers = await withRetry("listing the accounts", () => hre.ethers.getSigners());
  const network = hre.network.name;
  const roles = roleAddresses(network);
  const byAddress = (address: string) => signers.find((s) => s.address.toLowerCase() === address.toLowerCase());
  const text = choice.account?.trim();
  if (text === undefined) {
    const own = roles[choice.role];
    return (own === undefined ? undefined : byAddress(own)) ?? indexed(signers, 0, network);
  }
  if (/^\d+$/.test(text)) return indexed(signers, Number(text), network);
  if ((SIGNING_ROLES as string[]).includes(text)) {
    const address = roles[text as SigningRole];
    if (address === undefined) {
      const role = text as SigningRole;
      throw new UserError(
        `--account ${role}: no key is set for ${role}s on ${network}. Set one with npx hardhat vars set ` +
          `${ROLE_KEY_VARS[role]} (or ${networkKeyVar(network, role)} for ${network} only); ` +
          "on a local network give an account index.",
      );
    }
    const signer = byAddress(address);
    if (signer === undefined) {
      throw new UserError(`--account ${text}: its key's address ${address} is not one of ${network}'s accounts.`);
    }
    return signer;
  }
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) {
    const signer = byAddress(text);
    if (signer === undefined) throw new UserError(`--account ${text} is not one of ${network}'s configured accounts.`);
    return signer;
  }
  throw new UserError(
    `--account must be an account index (0, 1, ...), a role (${SIGNING_ROLES.join(", ")}) or an address; got "${text}".`,
  );
}

function indexed<T>(signers: readonly T[], index: number, network: string): T {
  const signer = signers[index];
  if (signer === undefined) {
    throw new UserError(
      `Account ${index} is not configured for ${network} (it has ${signers.length}); ` +
        `use --account 0..${Math.max(0, signers.length - 1)}.`,
    );
  }
  return signer;
}

/** Decrypts a JSON keystore (the Web3 Secret Storage format geth, Foundry's cast and ethers write). */
async function openKeystore(file: string): Promise<Wallet> {
  if (!fs.existsSync(file)) throw new UserError(`--keystore ${file} does not exist.`);
  const json = fs.readFileSync(file, "utf8");
  const password = process.env[KEYSTORE_PASSWORD_VAR] ?? (await askPassword(file));
  try {
    const wallet = await Wallet.fromEncryptedJson(json, password);
    // fromEncryptedJson gives an HDNodeWallet for a keystore that holds a mnemonic; only its key is needed.
    return new Wallet(wallet.privateKey);
  } catch (error) {
    const reason = (error as Error).message.includes("password") ? "the password is wrong" : (error as Error).message;
    throw new UserError(`Cannot open the keystore ${file}: ${reason}.`);
  }
}

/** Asks for a keystore's password on the terminal; without one, says which variable to set. */
async function askPassword(file: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UserError(`--keystore ${file} needs its password: set ${KEYSTORE_PASSWORD_VAR} or run in a terminal.`);
  }
  // Hardhat's own prompt library (it asks for `hardhat vars set` values with it).
  const { prompt } = await import("enquirer");
  const { password } = await prompt<{ password: string }>({
    type: "password",
    name: "password",
    message: `Password of ${file}`,
  });
  return password;
}
