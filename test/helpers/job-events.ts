import { expect } from "chai";
import { ethers } from "hardhat";
import type { AddressLike, ContractTransactionResponse } from "ethers";

import type { JobEscrow } from "../../typechain-types";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";

/** Every field of a JobCreated event, by name. */
export interface ExpectedJobCreated {
  jobId: bigint;
  client: AddressLike;
  /** The request as the client sent it: the event repeats its workload, params, inputs, payment, provider, deadline. */
  request: IJobEscrow.JobRequestStruct;
  /** The payment's value in WEFT, at the rate in force at creation. */
  paymentValue: bigint;
  /** The protocol fee the job commits to: the one in force at creation. */
  feeBps: bigint;
}

/**
 * Asserts that `tx` emitted JobCreated from `escrow` with exactly `expected`'s fields, in the event's order:
 * jobId, client, provider, workloadId, params, inputRoot, inputURI, paymentToken, payment, paymentValue,
 * submitDeadline, feeBps.
 */
export async function expectJobCreated(
  tx: Promise<ContractTransactionResponse> | ContractTransactionResponse,
  escrow: JobEscrow,
  expected: ExpectedJobCreated,
): Promise<void> {
  const { jobId, client, request, paymentValue, feeBps } = expected;
  await expect(tx)
    .to.emit(escrow, "JobCreated")
    .withArgs(
      jobId,
      await ethers.resolveAddress(client),
      await ethers.resolveAddress(request.provider),
      request.workloadId,
      request.params,
      request.inputRoot,
      request.inputURI,
      await ethers.resolveAddress(request.paymentToken),
      request.payment,
      paymentValue,
      request.submitDeadline,
      feeBps,
    );
}
