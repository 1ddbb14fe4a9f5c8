import { expect } from "chai";
import { Interface } from "ethers";

import { decodeContractError, revertData } from "../../src/chain/contract-errors";
import { contractErrorLine } from "../../src/cli/contract-error-hints";

const errors = new Interface([
  "error ParameterOutOfBounds(uint256 value, uint256 min, uint256 max)",
  "error GovernorAlreadyCastVote(address voter)",
]);
const outOfBounds = errors.encodeErrorResult("ParameterOutOfBounds", [5000, 0, 1000]);
const voter = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("contract errors a task meets", function () {
  it("are found wherever ethers, Hardhat or a JSON-RPC node put the revert data", function () {
    const shapes = [
      { data: outOfBounds }, // Hardhat's in-process network
      { code: "CALL_EXCEPTION", data: outOfBounds, revert: null }, // ethers, with an interface that lacks the error
      { info: { error: { code: 3, message: "execution reverted", data: outOfBounds } } }, // ethers over JSON-RPC
      { error: { data: { message: "reverted", data: outOfBounds } } }, // a node that nests the data in an object
      { cause: { data: outOfBounds } },
    ];
    for (const shape of shapes) expect(revertData(shape), JSON.stringify(shape)).to.equal(outOfBounds);
  });

  it("never mistake the call's own data for a revert", function () {
    const call = { transaction: { data: "0x12345678" }, payload: { params: [{ data: "0x12345678" }] } };
    expect(revertData(call)).to.equal(undefined);
    expect(decodeContractError(new Error("socket hang up"))).to.equal(undefined);
  });

  it("decode to one line with the values and what to do", function () {
    expect(contractErrorLine({ data: outOfBounds })).to.equal(
      "ParameterOutOfBounds(5000, 0, 1000): the value 5000 is outside the bounds 0..1000 the contract accepts.",
    );
    const voted = errors.encodeErrorResult("GovernorAlreadyCastVote", [voter]);
    expect(contractErrorLine({ data: voted })).to.equal(
      `GovernorAlreadyCastVote(${voter}): ${voter} has already voted on this proposal; a vote cannot be changed.`,
    );
  });

  it("name an error without a hint by its values, and leave unknown selectors alone", function () {
    const unhinted = new Interface(["error InvalidProfile()"]).encodeErrorResult("InvalidProfile", []);
    expect(contractErrorLine({ data: unhinted })).to.equal("the contract refused: InvalidProfile().");
    expect(contractErrorLine({ data: "0xdeadbeef" })).to.equal(undefined);
  });
});
