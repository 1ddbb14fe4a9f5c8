/**
 * The state file of a long-lived agent: a journal of JSON lines (state/journal.ts),
 *
 *   line 1   header: {"journal":"weft-agent-state","version":2,"identity":{...}}, the deployment (and account) it
 *            belongs to;
 *   line 2   a snapshot of the whole state;
 *   line 3+  one patch per change (state/patch.ts), appended and flushed to disk before the change returns.
 *
 * A step writes its patch only, a few hundred bytes whatever the size of the state (the former format rewrote the
 * whole document on every step: N jobs cost O(N^2) bytes). Once the file outgrows COMPACT_FACTOR times the live state
 * (state/json-size.ts), it is compacted: rewritten atomically (temp file, fsync, rename) as the header and a new
 * snapshot, so the file and the time to load it stay proportional to the live state; a step still costs O(1) bytes on
 * average, as a compaction writes the live state only once the file has outgrown it COMPACT_FACTOR times. A kill -9 at
 * any moment leaves every acknowledged change.
 *
 * A file of another version, shape or identity is refused with what to do, never silently reused or overwritten. A
 * file in the former format (one JSON document) is read once and converted in place, so an upgraded agent resumes
 * where the old one stopped.
 */
import { UserError } from "../errors";
import {
  appendLine,
  firstLine,
  type JournalLines,
  parseLines,
  readIfExists,
  rewriteLines,
  truncateTo,
} from "../state/journal";
import { JsonSize } from "../state/json-size";
import { applyPatch, hasFieldsOf, isPatchOf, isRecord, type Patch } from "../state/patch";

const JOURNAL = "weft-agent-state";
/** The file may grow to this many times the live state before it is compacted... */
const COMPACT_FACTOR = 4;
/** ...and at least to this many bytes, so that a small state is not rewritten every few steps. */
const MIN_COMPACT_BYTES = 64 * 1024;

/** An agent's state as a file keeps it: whose it is, and the document itself. */
export interface SavedState<Body extends object, Identity extends object> {
  readonly identity: Identity;
  readonly body: Body;
}

/** The former format: one JSON document per file, with a version, rewritten whole on every save. */
export interface LegacyFormat<Body extends object, Identity extends object> {
  readonly version: number;
  /** Whether a document of this version holds every field the agent reads. */
  isShaped(saved: Record<string, unknown>): boolean;
  convert(saved: Record<string, unknown>): SavedState<Body, Identity>;
}

/** Where an agent's state is and how it is laid out: what a reader needs. */
export interface StateFileFormat<Body extends object, Identity extends object> {
  readonly file: string;
  /** The version this agent reads and writes. */
  readonly version: number;
  /** Appended to every refusal: what the operator does instead, e.g. "pass another --state." */
  readonly remedy: string;
  /** The state a missing file starts as; a snapshot must have its fields, a patch names only some of them. */
  fresh(): Body;
  isIdentity(saved: unknown): saved is Identity;
  readonly legacy: LegacyFormat<Body, Identity>;
}

/** What the agent that writes the file needs besides. */
export interface StateFileSpec<Body extends object, Identity extends object> extends StateFileFormat<Body, Identity> {
  /** Whose state the agent keeps: a new file's header. */
  readonly identity: Identity;
  /** Why the file belongs to another deployment or account, or undefined when it is this agent's own. */
  foreignOwner(saved: Identity): string | undefined;
}

interface Header<Identity> {
  readonly journal: typeof JOURNAL;
  readonly version: number;
  readonly identity: Identity;
}

/** What the file holds, and how it was found: a journal (with its lines) or a file of the former format. */
type ReadState<Body extends object, Identity extends object> = SavedState<Body, Identity> &
  ({ readonly format: "journal"; readonly lines: JournalLines } | { readonly format: "legacy" });

/** The live state of an agent, kept in its state file: read it through `state`, change it through `change`. */
export class StateJournal<Body extends object> {
  /** The bytes of the file as this process wrote and read them. */
  private fileBytes = 0;
  /** The file is missing, or an earlier write failed: the next change rewrites it whole. */
  private rewriteNext = true;
  private readonly liveSize: JsonSize;

  private constructor(
    readonly file: string,
    private readonly header: Header<object>,
    /** The live state: change it only through change(), which keeps the file in step. */
    readonly state: Body,
  ) {
    this.liveSize = new JsonSize(state);
  }

  /** Opens the agent's state file, or a fresh state when there is none; refuses another agent's file. */
  static open<Body extends object, Identity extends object>(spec: StateFileSpec<Body, Identity>): StateJournal<Body> {
    const saved = readState(spec);
    if (saved === undefined) {
      return new StateJournal(spec.file, headerOf(spec, spec.identity), spec.fresh());
    }
    const owner = spec.foreignOwner(saved.identity);
    if (owner !== undefined) throw new UserError(`${spec.file} ${owner}; ${spec.remedy}`);
    const journal = new StateJournal(spec.file, headerOf(spec, saved.identity), saved.body);
    if (saved.format === "legacy") {
      journal.compact();
      return journal;
    }
    const { lines } = saved;
    journal.rewriteNext = false;
    journal.fileBytes = lines.length;
    // A kill in the middle of an append left part of a line: cut it off, so that the next line starts on its own.
    if (lines.torn) truncateTo(spec.file, lines.length);
    // A kill between the last append and the compaction it called for.
    if (journal.outgrown()) journal.compact();
    return journal;
  }

  /** Applies `patch` to the state and records it durably before returning. */
  change(patch: Patch<Body>): void {
    applyPatch(this.state, patch);
    this.liveSize.apply(patch);
    try {
      if (this.rewriteNext) {
        this.compact();
        return;
      }
      this.fileBytes += appendLine(this.file, patch);
      if (this.outgrown()) this.compact();
    } catch (error) {
      // The write may have left part of a line: the next change rewrites the file whole, this change included.
      this.rewriteNext = true;
      throw error;
    }
  }

  private outgrown(): boolean {
    return this.fileBytes > Math.max(COMPACT_FACTOR * this.liveSize.bytes, MIN_COMPACT_BYTES);
  }

  private compact(): void {
    this.fileBytes = rewriteLines(this.file, [this.header, this.state]);
    this.rewriteNext = false;
  }
}

/** The state saved in the file without changing anything (a missing file: undefined), e.g. for an operator's view. */
export function readStateFile<Body extends object, Identity extends object>(
  format: StateFileFormat<Body, Identity>,
): SavedState<Body, Identity> | undefined {
  const saved = readState(format);
  return saved && { identity: saved.identity, body: saved.body };
}

function headerOf(format: { readonly version: number }, identity: object): Header<object> {
  return { journal: JOURNAL, version: format.version, identity };
}

function readState<Body extends object, Identity extends object>(
  format: StateFileFormat<Body, Identity>,
): ReadState<Body, Identity> | undefined {
  const bytes = readIfExists(format.file);
  if (bytes === undefined) return undefined;
  const header = journalHeader(firstLine(bytes));
  return header === undefined
    ? { format: "legacy", ...readLegacy(format, bytes.toString("utf8")) }
    : readJournal(format, header, parseLines(format.file, bytes));
}

/** The first line as a journal header, or undefined when the file is not a journal. */
function journalHeader(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return isRecord(parsed) && parsed.journal === JOURNAL ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function readJournal<Body extends object, Identity extends object>(
  format: StateFileFormat<Body, Identity>,
  header: Record<string, unknown>,
  lines: JournalLines,
): ReadState<Body, Identity> {
  const { file, remedy } = format;
  checkVersion(format, header.version);
  if (!format.isIdentity(header.identity)) {
    throw new UserError(`${file} is not a state file of this agent (its header names no owner); ${remedy}`);
  }
  const [, snapshot, ...patches] = lines.records;
  if (!hasFieldsOf(format.fresh(), snapshot)) {
    throw new UserError(
      `${file} is damaged: line 2 is not a whole snapshot of this agent's state; restore it from a backup, or move it ` +
        `away to start afresh.`,
    );
  }
  patches.forEach((patch, index) => {
    if (!isPatchOf(snapshot, patch)) {
      throw new UserError(
        `${file} is damaged: line ${index + 3} is not a change of this agent's state; restore it from a backup, or ` +
          `move it away to start afresh.`,
      );
    }
    applyPatch(snapshot, patch);
  });
  return { format: "journal", identity: header.identity, body: snapshot, lines };
}

function readLegacy<Body extends object, Identity extends object>(
  format: StateFileFormat<Body, Identity>,
  text: string,
): SavedState<Body, Identity> {
  const { file, remedy, legacy } = format;
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${(error as Error).message}); move it away to start afresh.`);
  }
  if (!isRecord(saved) || typeof saved.version !== "number") {
    throw new UserError(`${file} is not a state file of this agent (it has no version); ${remedy}`);
  }
  if (saved.version !== legacy.version) {
    throw new UserError(
      `${file} has state version ${saved.version}, this agent reads ${format.version} (and converts ` +
        `${legacy.version}); ${remedy}`,
    );
  }
  if (!legacy.isShaped(saved)) {
    throw new UserError(`${file} is not a state file of this agent (fields are missing); ${remedy}`);
  }
  return legacy.convert(saved);
}

function checkVersion<Body extends object, Identity extends object>(
  format: StateFileFormat<Body, Identity>,
  version: unknown,
): void {
  if (version !== format.version) {
    throw new UserError(
      `${format.file} has state version ${String(version)}, this agent reads ${format.version}; ${format.remedy}`,
    );
  }
}
