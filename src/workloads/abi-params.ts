/** ABI encoding of a workload's parameters: a fixed tuple of integer fields, as the contracts store them. */
import { AbiCoder, type BytesLike } from "ethers";

import { InvalidWorkloadError } from "./errors";

export interface AbiParamField<Params> {
  readonly name: keyof Params & string;
  /** A Solidity integer type: uint32, int64, ... */
  readonly type: string;
}

export interface AbiParamsCodec<Params> {
  /** `abi.encode(field1, field2, ...)` in field order. */
  encode(params: Params): string;
  /** Inverse of encode; throws an InvalidWorkloadError for malformed bytes. */
  decode(data: BytesLike): Params;
}

/** A codec for params whose fields are all integers that fit a JavaScript number exactly. */
export function abiParamsCodec<Params extends Record<string, number>>(
  workload: string,
  fields: readonly AbiParamField<Params>[],
): AbiParamsCodec<Params> {
  const types = fields.map((field) => field.type);
  const coder = AbiCoder.defaultAbiCoder();
  return {
    encode: (params) =>
      coder.encode(
        types,
        fields.map((field) => params[field.name]),
      ),
    decode: (data) => {
      let values: bigint[];
      try {
        values = coder.decode(types, data).toArray() as bigint[];
      } catch (error) {
        throw new InvalidWorkloadError(workload, `params are not abi.encode(${types.join(", ")}): ${String(error)}`);
      }
      const params: Record<string, number> = {};
      fields.forEach((field, i) => {
        const value = Number(values[i]);
        if (!Number.isSafeInteger(value)) {
          throw new InvalidWorkloadError(workload, `${field.name} = ${values[i]} is outside the accepted range`);
        }
        params[field.name] = value;
      });
      return params as Params;
    },
  };
}
