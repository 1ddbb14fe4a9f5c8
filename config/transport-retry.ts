/**
 * Every read a task or an agent sends through Hardhat is retried when the endpoint's answer never arrived or was not
 * JSON-RPC at all (a gateway's 5xx page, a dropped connection): public endpoints do that now and then, and a status
 * task should not die of it. Transactions are sent once (a lost answer may hide a mined one; the agents re-read the
 * chain instead), and a JSON-RPC error (a revert, a bad argument) is the node's answer, never retried. (config/ may not
 * import src/, which imports config: hence its own back-off rather than src/chain/retry's.)
 */
import { extendProvider } from "hardhat/config";
import { HardhatError } from "hardhat/internal/core/errors";
import { ProviderWrapper } from "hardhat/plugins";
import type { RequestArguments } from "hardhat/types";

/** Hardhat's errors for an endpoint that could not be reached (HH108) or answered something else than JSON-RPC (HH110). */
const TRANSPORT_ERRORS = new Set([108, 110]);
const SENDS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);
const ATTEMPTS = 4;
const FIRST_DELAY_MS = 250;

function isTransportError(error: unknown): boolean {
  if (HardhatError.isHardhatError(error)) return TRANSPORT_ERRORS.has(error.number);
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "ECONNREFUSED";
}

class TransportRetryingProvider extends ProviderWrapper {
  async request(args: RequestArguments): Promise<unknown> {
    if (SENDS.has(args.method)) return this._wrappedProvider.request(args);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this._wrappedProvider.request(args);
      } catch (error) {
        if (attempt >= ATTEMPTS || !isTransportError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, FIRST_DELAY_MS * 2 ** (attempt - 1)));
      }
    }
  }
}

extendProvider(async (provider) => new TransportRetryingProvider(provider));
