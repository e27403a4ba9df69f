/**
 * A section as the editor holds it: flat fields of text ("organisation.name" → "Charité"), so that
 * "what did I change", "what did they change" and "keep mine / keep theirs" are per field.
 */
export type Flat = Record<string, string>;

export interface FieldConflict {
  key: string;
  /** What the other person saved. */
  theirs: string;
  /** What this person typed and has not saved. */
  mine: string;
}

export function changedKeys(base: Flat, draft: Flat): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(draft)]);
  return [...keys].filter((k) => (base[k] ?? '') !== (draft[k] ?? ''));
}

/**
 * After a 412: the section as the other person saved it, with this person's edits laid over it.
 * An edit of a field the other person did not touch is kept as it is; a field both changed
 * differently is a conflict, for the person to decide. Nothing typed is dropped.
 */
export function rebase(base: Flat, theirs: Flat, draft: Flat): { draft: Flat; conflicts: FieldConflict[] } {
  const next: Flat = { ...theirs };
  const conflicts: FieldConflict[] = [];
  for (const key of changedKeys(base, draft)) {
    const mine = draft[key] ?? '';
    const their = theirs[key] ?? '';
    const theyChanged = (base[key] ?? '') !== their;
    if (theyChanged && their !== mine) conflicts.push({ key, theirs: their, mine });
    next[key] = mine;
  }
  return { draft: next, conflicts };
}
