/**
 * What the explorer's server answers and its web page shows: plain JSON, shared by both sides as types. Amounts and
 * times travel as decimal strings of base units (`raw`) beside the text people read (`text`), formatted once on the
 * server by the same functions as the command line, so a page and `job:status` say the same thing.
 */

/** An amount or a parameter's value: base units and how people read it ("12.5 WEFT", "2.50%", "10 min"). */
export interface Amount {
  readonly raw: string;
  readonly text: string;
}

/** A moment on the chain's clock: unix seconds and UTC ("2026-12-04 10:00:00 UTC"). */
export interface Moment {
  readonly unix: number;
  readonly utc: string;
}

/** Where the explorer reads from and how far it has read. */
export interface ChainHead {
  readonly network: string;
  readonly chainId: number;
  /** The newest block of the node. */
  readonly head: number;
  /** The last block the index holds (head minus the confirmations). */
  readonly indexed: number;
  /** The chain's time at the indexed block: countdowns count from it. */
  readonly now: Moment;
  readonly deploymentBlock: number;
}

export const JOB_STATES = [
  "Open",
  "Assigned",
  "Submitted",
  "Disputed",
  "Finalized",
  "Cancelled",
  "TimedOut",
  "Slashed",
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface EpochFigures {
  readonly epoch: number;
  readonly end: Moment;
  /** Protocol fees of the jobs finalized in the epoch, valued in WEFT at each job's rate. */
  readonly fees: Amount;
  /** What the distributor emits for the epoch. */
  readonly emission: Amount;
  /** Rewards providers claimed for the epoch. */
  readonly claimed: Amount;
}

export interface SlashRow {
  readonly provider: string;
  readonly jobId: string;
  /** Stake and collateral taken. */
  readonly taken: Amount;
  readonly block: number;
  readonly at: Moment;
  readonly tx: string;
}

export interface Overview {
  readonly chain: ChainHead;
  readonly totalStake: Amount;
  readonly providers: number;
  readonly jobs: number;
  readonly jobsByState: Readonly<Record<JobState, number>>;
  readonly openDisputes: number;
  readonly activeProposals: number;
  readonly epochs: readonly EpochFigures[];
  readonly slashes: readonly SlashRow[];
}

export interface JobRow {
  readonly id: string;
  readonly state: JobState;
  readonly workload: string;
  readonly client: string;
  /** The zero address while an open job has no provider. */
  readonly provider: string;
  readonly payment: Amount;
  readonly created: Moment;
  /** The end of the current phase (submit deadline, challenge window), absent once the job is closed. */
  readonly phaseEnds?: Moment;
}

export interface TimelineEntry {
  /** The event's name: JobCreated, ResultSubmitted, DisputeOpened, FraudProven… */
  readonly event: string;
  /** One line saying what happened, in people's units. */
  readonly summary: string;
  readonly block: number;
  readonly at: Moment;
  readonly tx: string;
}

export interface DisputeRow {
  readonly id: string;
  readonly jobId: string;
  readonly kind: string;
  readonly status: string;
  readonly challenger: string;
  readonly provider: string;
  readonly bond: Amount;
  /** The end of the current step's window, absent once settled. */
  readonly deadline?: Moment;
  readonly opened: Moment;
  /** Set once settled: "provider at fault, 60 WEFT slashed" or "challenger wrong, bond to the provider". */
  readonly outcome?: string;
}

export interface ReceiptCard {
  readonly jobId: string;
  readonly owner: string;
  /** The receipt's image as its tokenURI gives it (an SVG data URI). */
  readonly image: string;
  readonly name: string;
}

export interface JobPage {
  /** The job, its state the escrow's own answer (a view call). */
  readonly job: JobRow;
  /** Its terms as label and value: workload parameters, input and result roots and URIs, collateral, fee. */
  readonly terms: readonly { readonly label: string; readonly value: string }[];
  readonly timeline: readonly TimelineEntry[];
  readonly disputes: readonly DisputeRow[];
  readonly receipt?: ReceiptCard;
}

export interface ProviderRow {
  readonly address: string;
  readonly gpuModel: string;
  readonly vramGb: number;
  readonly staked: Amount;
  readonly jobsCompleted: number;
  readonly jobsSlashed: number;
  /** Set while jailed. */
  readonly jailedUntil?: Moment;
}

export interface ProviderPage {
  readonly provider: ProviderRow;
  readonly metadataURI: string;
  readonly free: Amount;
  readonly locked: Amount;
  readonly unbonding: readonly { readonly amount: Amount; readonly maturesAt: Moment }[];
  readonly debt: Amount;
  readonly jobsTimedOut: number;
  readonly canAcceptJobs: boolean;
  /** Why it cannot accept jobs, each with what to do. */
  readonly blockers: readonly string[];
  readonly jobs: readonly JobRow[];
  readonly slashes: readonly SlashRow[];
  readonly rewards: readonly { readonly epoch: number; readonly amount: Amount; readonly claimed: boolean }[];
}

export interface ProposalAction {
  /** The call decoded, e.g. `JobEscrow.setProtocolFeeBps(newFeeBps: 2.50%)`. */
  readonly call: string;
  /** For a governed parameter's setter: its name, value now and the bounds the contract enforces. */
  readonly parameter?: {
    readonly name: string;
    readonly current: Amount;
    readonly proposed: Amount;
    readonly min: Amount;
    readonly max: Amount;
  };
}

export interface ProposalRow {
  readonly id: string;
  readonly shortId: string;
  readonly description: string;
  readonly proposer: string;
  readonly state: string;
  readonly actions: readonly ProposalAction[];
  readonly votes: { readonly for: Amount; readonly against: Amount; readonly abstain: Amount };
  readonly quorum: Amount;
  /** When voting starts, ends, or the queued proposal becomes executable, as the state makes relevant. */
  readonly clock?: { readonly label: string; readonly at: Moment };
  /** The command that takes the proposal its next step, or undefined when it is settled. */
  readonly command?: string;
}

export interface ParameterRow {
  readonly name: string;
  readonly contract: string;
  readonly value: Amount;
  readonly min: Amount;
  readonly max: Amount;
}

/** Every JSON route the server answers, by path. */
export interface ExplorerRoutes {
  "/api/overview": Overview;
  "/api/jobs": readonly JobRow[];
  "/api/receipts": readonly ReceiptCard[];
  "/api/providers": readonly ProviderRow[];
  "/api/disputes": readonly DisputeRow[];
  "/api/proposals": readonly ProposalRow[];
  "/api/parameters": readonly ParameterRow[];
}

/** Route prefixes followed by an id: /api/jobs/12, /api/providers/0xabc… */
export const JOB_ROUTE = "/api/jobs/";
export const PROVIDER_ROUTE = "/api/providers/";

/** The server-sent event the page listens to: sent once the index has read new blocks. */
export const UPDATE_EVENT = "indexed";
export const EVENTS_ROUTE = "/api/events";

/** The port `npx hardhat explorer` serves on unless given --port. */
export const DEFAULT_EXPLORER_PORT = 8080;
