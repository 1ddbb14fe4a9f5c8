/**
 * The yardsticks measured in the same run as Weft's operations, in the same steady state: OpenZeppelin's ERC20
 * transfer, ERC721 mint and Governor castVote (contracts/test/Baseline*.sol), and a hash-only escrow's job lifecycle,
 * which shows how close to the floor model an implementation can come.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  BaselineERC721__factory,
  BaselineGovernor__factory,
  BaselineHashEscrow__factory,
  BaselineVotesToken__factory,
  TestERC20__factory,
  type BaselineHashEscrow,
} from "../../typechain-types";
import type { BaselineName } from "./floor";
import { advance } from "./jobs";
import { hexBytes, sample, utf8Bytes, type Sample } from "./sample";

type Signer = HardhatEthersSigner;
export type BaselineSamples = Record<BaselineName, Sample>;

const AMOUNT = ethers.parseEther("100");
const PARAMS = ethers.AbiCoder.defaultAbiCoder().encode(["uint32", "uint32", "uint32"], [4, 8, 2]);
const INPUT_URI = "ipfs://inputs";
const RESULT_URI = "ipfs://result";

async function erc20Transfer(deployer: Signer, [from, to]: Signer[]): Promise<Sample> {
  const token = await new TestERC20__factory(deployer).deploy("Baseline USD", "bUSD");
  for (const holder of [from, to]) await (await token.mint(holder.address, AMOUNT * 10n)).wait();
  await (await token.connect(from).transfer(to.address, AMOUNT)).wait();
  return sample(token.connect(from).transfer(to.address, AMOUNT));
}

async function erc721Mint(deployer: Signer, [holder]: Signer[]): Promise<Sample> {
  const nft = await new BaselineERC721__factory(deployer).deploy();
  await (await nft.mint(holder.address, 1)).wait();
  return sample(nft.mint(holder.address, 2));
}

async function governorCastVote(deployer: Signer, voters: Signer[]): Promise<Sample> {
  const token = await new BaselineVotesToken__factory(deployer).deploy(ethers.parseEther("1000000"));
  const governor = await new BaselineGovernor__factory(deployer).deploy(await token.getAddress());
  for (const voter of voters) {
    await (await token.transfer(voter.address, ethers.parseEther("100000"))).wait();
    await (await token.connect(voter).delegate(voter.address)).wait();
  }
  const target = await token.getAddress();
  const calldata = token.interface.encodeFunctionData("transfer", [deployer.address, 0]);
  await (await governor.propose([target], [0], [calldata], "Baseline proposal")).wait();
  const id = await governor.hashProposal([target], [0], [calldata], ethers.id("Baseline proposal"));
  await advance(1);
  await ethers.provider.send("evm_mine", []);
  await (await governor.connect(voters[0]).castVote(id, 1)).wait();
  return sample(governor.connect(voters[1]).castVote(id, 1));
}

type HashJob = Parameters<BaselineHashEscrow["acceptJob"]>[1];

/** One job through the hash-only escrow's lifecycle; the terms are tracked off-chain, as its callers would. */
async function hashEscrowLifecycle(
  escrow: BaselineHashEscrow,
  client: Signer,
  provider: Signer,
  token: string,
): Promise<Record<"create" | "accept" | "submit" | "finalize", Sample>> {
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const job: HashJob = {
    client: client.address,
    payment: AMOUNT,
    provider: ethers.ZeroAddress,
    deadline: now + 3600n,
    status: 1,
    token,
    workloadId: ethers.encodeBytes32String("matmul-i8"),
    paramsHash: ethers.keccak256(PARAMS),
    inputRoot: ethers.id("inputs"),
    resultRoot: ethers.ZeroHash,
  };
  const sizes = { params: hexBytes(PARAMS), inputURI: utf8Bytes(INPUT_URI) };
  const createTx = await escrow.connect(client).createJob(job, PARAMS, INPUT_URI);
  const create = await sample(createTx, sizes);
  const created = (await createTx.wait())!.logs
    .map((entry) => escrow.interface.parseLog(entry))
    .find((event) => event?.name === "JobCreated");
  const id: bigint = created!.args.jobId;
  const accept = await sample(escrow.connect(provider).acceptJob(id, job));
  const assigned = { ...job, provider: provider.address, status: 2 };
  const resultRoot = ethers.id("result");
  const submitTx = await escrow.connect(provider).submitResult(id, assigned, resultRoot, RESULT_URI);
  const submit = await sample(submitTx, { resultURI: utf8Bytes(RESULT_URI) });
  const submittedAt = BigInt((await ethers.provider.getBlock(submitTx.blockNumber!))!.timestamp);
  const submitted = { ...assigned, resultRoot, status: 3, deadline: submittedAt + 600n };
  await advance(600);
  const finalize = await sample(escrow.finalize(id, submitted));
  return { create, accept, submit, finalize };
}

async function hashEscrow(deployer: Signer, [client, provider, treasury]: Signer[]) {
  const token = await new TestERC20__factory(deployer).deploy("Baseline USD", "bUSD");
  const escrow = await new BaselineHashEscrow__factory(deployer).deploy(treasury.address);
  for (const holder of [client, provider, treasury]) await (await token.mint(holder.address, AMOUNT * 10n)).wait();
  await (await token.connect(client).approve(await escrow.getAddress(), ethers.parseEther("1000000000"))).wait();
  await hashEscrowLifecycle(escrow, client, provider, await token.getAddress());
  return hashEscrowLifecycle(escrow, client, provider, await token.getAddress());
}

/** Measures every baseline with fresh contracts and accounts of the in-process network. */
export async function measureBaselines(progress: (line: string) => void): Promise<BaselineSamples> {
  progress("gas: library baselines");
  const [deployer, ...accounts] = (await ethers.getSigners()).slice(13);
  const lifecycle = await hashEscrow(deployer, accounts);
  return {
    erc20Transfer: await erc20Transfer(deployer, accounts),
    erc721Mint: await erc721Mint(deployer, accounts),
    governorCastVote: await governorCastVote(deployer, accounts.slice(0, 2)),
    hashEscrowCreateJob: lifecycle.create,
    hashEscrowAcceptJob: lifecycle.accept,
    hashEscrowSubmitResult: lifecycle.submit,
    hashEscrowFinalize: lifecycle.finalize,
  };
}
