/**
 * The size of a state document's JSON as patches change it (state/patch.ts), so that a journal can compare its file
 * with the live state at every step. Sizes are kept per map entry: a patch costs its own size to account for, never
 * the document's.
 */
import { isRecord, type Patch } from "./patch";

/** The bytes `value` adds to its document: its JSON, and a separator. */
const sizeOf = (key: string, value: unknown): number =>
  Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(value)) + 2;

export class JsonSize {
  /** Each scalar field's size, and each map's entries' sizes, by field. */
  private readonly scalars = new Map<string, number>();
  private readonly maps = new Map<string, Map<string, number>>();
  private total = 0;

  constructor(doc: object) {
    this.apply(doc as Patch<object>);
  }

  /** About the byte size of the document's JSON (exact up to a few bytes per field). */
  get bytes(): number {
    return this.total;
  }

  /** Accounts for `patch`, applied to the document. */
  apply<Doc extends object>(patch: Patch<Doc>): void {
    for (const [field, value] of Object.entries(patch)) {
      if (!isRecord(value)) {
        this.replace(this.scalars, field, sizeOf(field, value));
        continue;
      }
      let entries = this.maps.get(field);
      if (entries === undefined) {
        entries = new Map();
        this.maps.set(field, entries);
        this.total += sizeOf(field, {});
      }
      for (const [key, entry] of Object.entries(value)) {
        this.replace(entries, key, entry === null ? undefined : sizeOf(key, entry));
      }
    }
  }

  private replace(sizes: Map<string, number>, key: string, size: number | undefined): void {
    this.total += (size ?? 0) - (sizes.get(key) ?? 0);
    if (size === undefined) sizes.delete(key);
    else sizes.set(key, size);
  }
}
