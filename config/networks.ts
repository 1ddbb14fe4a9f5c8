import { vars } from "hardhat/config";
import type { HttpNetworkUserConfig } from "hardhat/types";

/** The key holding the deployer's private key for every public network. */
export const DEPLOYER_KEY_VAR = "DEPLOYER_PRIVATE_KEY";

/** Public networks Weft deploys to, each with the `hardhat vars` key holding its RPC URL. */
export const PUBLIC_NETWORKS = {
  sepolia: { chainId: 11155111, rpcVar: "SEPOLIA_RPC_URL" },
  baseSepolia: { chainId: 84532, rpcVar: "BASE_SEPOLIA_RPC_URL" },
  arbitrumSepolia: { chainId: 421614, rpcVar: "ARBITRUM_SEPOLIA_RPC_URL" },
} as const;

export type PublicNetworkName = keyof typeof PUBLIC_NETWORKS;

export function isPublicNetwork(name: string): name is PublicNetworkName {
  return Object.hasOwn(PUBLIC_NETWORKS, name);
}

/** The `hardhat vars` keys a public network still needs before it can be used. */
export function missingVars(name: PublicNetworkName): string[] {
  return [PUBLIC_NETWORKS[name].rpcVar, DEPLOYER_KEY_VAR].filter((key) => !vars.has(key));
}

/** Network entries for every public network whose vars are set; the others are left out. */
export function configuredPublicNetworks(): Record<string, HttpNetworkUserConfig> {
  const networks: Record<string, HttpNetworkUserConfig> = {};
  for (const [name, { chainId, rpcVar }] of Object.entries(PUBLIC_NETWORKS)) {
    if (missingVars(name as PublicNetworkName).length > 0) continue;
    networks[name] = { url: vars.get(rpcVar), chainId, accounts: [vars.get(DEPLOYER_KEY_VAR)] };
  }
  return networks;
}

/** The network named on the command line (`--network x`) or by HARDHAT_NETWORK, if any. */
export function requestedNetwork(argv: readonly string[] = process.argv): string | undefined {
  const flag = argv.indexOf("--network");
  if (flag !== -1 && flag + 1 < argv.length) return argv[flag + 1];
  return process.env.HARDHAT_NETWORK;
}

/**
 * Stop early, with the commands to run, when a public network is requested without its vars:
 * Hardhat alone would only say that the network does not exist.
 */
export function assertRequestedNetworkConfigured(argv: readonly string[] = process.argv): void {
  const name = requestedNetwork(argv);
  if (name === undefined || !isPublicNetwork(name)) return;
  const missing = missingVars(name);
  if (missing.length === 0) return;
  const commands = missing.map((key) => `  npx hardhat vars set ${key}`).join("\n");
  console.error(`Network ${name} is not configured. Set its variables first:\n${commands}`);
  process.exit(1);
}
