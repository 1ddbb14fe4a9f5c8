/**
 * Changes to a state document, as the agents' journals record them (agents/state-file.ts). A document's fields are
 * either JSON scalars or maps (JSON objects keyed by id). A patch names only what changed: a scalar field it gives
 * replaces the document's, and a map it gives is merged key by key, `null` deleting the key. A step of an agent
 * therefore records a few hundred bytes, whatever the size of its state.
 */

/** A JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What changed in a document of shape `Doc`: some of its scalars, and some keys of its maps (null: deleted). */
export type Patch<Doc> = {
  [Field in keyof Doc]?: Doc[Field] extends Record<string, infer Value> ? Record<string, Value | null> : Doc[Field];
};

/** Applies `patch` to `doc` in place. */
export function applyPatch<Doc extends object>(doc: Doc, patch: Patch<Doc>): void {
  const fields = doc as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) {
    const map = fields[field];
    if (!isRecord(map)) {
      fields[field] = value;
      continue;
    }
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
      if (entry === null) delete map[key];
      else map[key] = entry;
    }
  }
}

/**
 * Whether `value` can be a patch of `doc`: it names only fields `doc` has, a map with a map and a scalar with a value of
 * the same type. (A journal's lines are the agent's own writes: this tells damage or another program's file apart.)
 */
export function isPatchOf<Doc extends object>(doc: Doc, value: unknown): value is Patch<Doc> {
  if (!isRecord(value)) return false;
  const fields = doc as Record<string, unknown>;
  return Object.entries(value).every(([field, change]) =>
    !Object.hasOwn(fields, field)
      ? false
      : isRecord(fields[field])
        ? isRecord(change)
        : typeof change === typeof fields[field],
  );
}

/** Whether `value` has every field of `template`, each of the same kind (map, or scalar of the same type). */
export function hasFieldsOf<Doc extends object>(template: Doc, value: unknown): value is Doc {
  return isPatchOf(template, value) && Object.keys(template).every((field) => Object.hasOwn(value, field));
}
