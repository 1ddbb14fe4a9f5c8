import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Set before anything loads src/deploy/addressBook, which fixes the directory the tasks read (test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-signers-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import { encryptKeystoreJson, ethers, Wallet } from "ethers";
import hre from "hardhat";
import { HardhatContext } from "hardhat/internal/context";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { KEYSTORE_PASSWORD_VAR } from "../../src/cli/signer";
import { deployWeftFixture } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/token/balance";
import "../../tasks/token/transfer";

/** Hardhat's well-known test account 4 (local networks only). */
const ACCOUNT_4_KEY = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
const PASSWORD = "correct horse battery staple";

/**
 * Sets (or with undefined, unsets) a `hardhat vars` key for this process, as HARDHAT_VAR_<key> in the environment
 * would for a new one: Hardhat reads those variables once, when it starts, into its vars manager's cache.
 */
function setHardhatVar(key: string, value: string | undefined): void {
  const cache = (HardhatContext.getHardhatContext().varsManager as unknown as { _envCache: Record<string, string> })
    ._envCache;
  if (value === undefined) delete cache[key];
  else cache[key] = value;
}

describe("Signers", function () {
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);
  let keystoreDir: string;

  beforeEach(function () {
    keystoreDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-keystore-"));
  });
  afterEach(function () {
    fs.rmSync(keystoreDir, { recursive: true, force: true });
    delete process.env[KEYSTORE_PASSWORD_VAR];
    setHardhatVar("CLIENT_PRIVATE_KEY", undefined);
  });

  async function signersFixture() {
    const f = await deployWeftFixture();
    await writeFixtureAddressBook(f);
    // A light scrypt keeps the test fast; the format is the one geth, cast and ethers write.
    const wallet = Wallet.createRandom();
    const keystore = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, PASSWORD, {
      scrypt: { N: 1024 },
    });
    const [deployer] = await hre.ethers.getSigners();
    await (await deployer.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
    await (await f.ComputeToken.connect(deployer).transfer(wallet.address, ethers.parseEther("50"))).wait();
    return { ...f, wallet, keystore };
  }

  it("--keystore signs with the decrypted key, its password read from WEFT_KEYSTORE_PASSWORD", async function () {
    const f = await loadFixture(signersFixture);
    const file = path.join(keystoreDir, "key.json");
    fs.writeFileSync(file, f.keystore);
    process.env[KEYSTORE_PASSWORD_VAR] = PASSWORD;
    const [, , , recipient] = await hre.ethers.getSigners();
    const before = await f.ComputeToken.balanceOf(recipient.address);
    await runTask("token:transfer", { to: "3", amount: "20", keystore: file });
    expect(await f.ComputeToken.balanceOf(f.wallet.address)).to.equal(ethers.parseEther("30"));
    expect(await f.ComputeToken.balanceOf(recipient.address)).to.equal(before + ethers.parseEther("20"));
  });

  it("--keystore refuses a wrong password, a missing one off a terminal, and --account beside it, in one line", async function () {
    const f = await loadFixture(signersFixture);
    const file = path.join(keystoreDir, "key.json");
    fs.writeFileSync(file, f.keystore);
    process.env[KEYSTORE_PASSWORD_VAR] = "wrong";
    await expectTaskError(
      "token:balance",
      { keystore: file },
      /^Cannot open the keystore .*key\.json: the password is wrong\.$/,
    );
    delete process.env[KEYSTORE_PASSWORD_VAR];
    // Mocha's stdin is not a terminal, as under CI or a service manager.
    await expectTaskError(
      "token:balance",
      { keystore: file },
      /needs its password: set WEFT_KEYSTORE_PASSWORD or run in a terminal\.$/,
    );
    await expectTaskError(
      "token:balance",
      { keystore: file, account: "1" },
      /^Give --account or --keystore, not both\.$/,
    );
  });

  it("signs with the task's role key by default and by --account <role>, and names the var of a role without a key", async function () {
    await loadFixture(signersFixture);
    const account4 = new Wallet(ACCOUNT_4_KEY).address;
    const [deployer] = await hre.ethers.getSigners();
    expect(await runTask("token:balance", {})).to.include(deployer.address);
    setHardhatVar("CLIENT_PRIVATE_KEY", ACCOUNT_4_KEY);
    expect(await runTask("token:balance", {})).to.include(account4);
    expect(await runTask("token:balance", { account: "client" })).to.include(account4);
    expect(await runTask("token:balance", { account: account4 })).to.include(account4);
    await expectTaskError(
      "token:balance",
      { account: "member" },
      /^--account member: no key is set for members on hardhat\. Set one with npx hardhat vars set MEMBER_PRIVATE_KEY \(or HARDHAT_MEMBER_PRIVATE_KEY for hardhat only\)/,
    );
    await expectTaskError(
      "token:balance",
      { account: "treasurer" },
      /^--account must be an account index \(0, 1, \.\.\.\), a role \(deployer, member, client, provider, verifier\) or an address; got "treasurer"\.$/,
    );
  });
});
