import { computeAddress } from "ethers";
import { vars } from "hardhat/config";
import type { HttpNetworkUserConfig } from "hardhat/types";

/** The key holding the deployer's private key for every public network. */
export const DEPLOYER_KEY_VAR = "DEPLOYER_PRIVATE_KEY";

/**
 * Who signs, each with its own key: a DAO member, a client, a provider and a verifier need not share the deployer's.
 * Each role's key is the `hardhat vars` key named here, or, for one network only, the same name prefixed with the
 * network's (SEPOLIA_CLIENT_PRIVATE_KEY), which wins where both are set.
 */
export const ROLE_KEY_VARS = {
  deployer: DEPLOYER_KEY_VAR,
  member: "MEMBER_PRIVATE_KEY",
  client: "CLIENT_PRIVATE_KEY",
  provider: "PROVIDER_PRIVATE_KEY",
  verifier: "VERIFIER_PRIVATE_KEY",
} as const;

export type SigningRole = keyof typeof ROLE_KEY_VARS;

export const SIGNING_ROLES = Object.keys(ROLE_KEY_VARS) as SigningRole[];

/** The network-only name of a role's key var: baseSepolia, client -> BASE_SEPOLIA_CLIENT_PRIVATE_KEY. */
export function networkKeyVar(network: string, role: SigningRole): string {
  return `${network.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_${ROLE_KEY_VARS[role]}`;
}

/** The private key `role` signs with on `network`, if one is set. */
function roleKey(network: string, role: SigningRole): string | undefined {
  for (const key of [networkKeyVar(network, role), ROLE_KEY_VARS[role]]) if (vars.has(key)) return vars.get(key);
  return undefined;
}

/**
 * The address each role with a key signs from on `network`. A public network's accounts are these keys; on a local
 * network a role's address counts only where it is one of Hardhat's accounts.
 */
export function roleAddresses(network: string): Partial<Record<SigningRole, string>> {
  const addresses: Partial<Record<SigningRole, string>> = {};
  for (const role of SIGNING_ROLES) {
    const key = roleKey(network, role);
    if (key !== undefined) addresses[role] = computeAddress(key.startsWith("0x") ? key : `0x${key}`);
  }
  return addresses;
}

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
  const missing = vars.has(PUBLIC_NETWORKS[name].rpcVar) ? [] : [PUBLIC_NETWORKS[name].rpcVar];
  return roleKey(name, "deployer") === undefined ? [...missing, DEPLOYER_KEY_VAR] : missing;
}

/** Network entries for every public network whose vars are set; the others are left out. */
export function configuredPublicNetworks(): Record<string, HttpNetworkUserConfig> {
  const networks: Record<string, HttpNetworkUserConfig> = {};
  for (const [name, { chainId, rpcVar }] of Object.entries(PUBLIC_NETWORKS)) {
    if (missingVars(name as PublicNetworkName).length > 0) continue;
    // The deployer first: account 0 is the deployer's wherever a task is given no --account and has no role key.
    const keys = SIGNING_ROLES.map((role) => roleKey(name, role)).filter((key) => key !== undefined);
    networks[name] = { url: vars.get(rpcVar), chainId, accounts: [...new Set(keys)] };
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
