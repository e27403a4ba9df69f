// What changed from one submitted version to the next, from the two canonical documents the API
// keeps (GET …/versions/:seq). The server's change report covers the full stage against the
// pre-proposal; between versions of one stage the page compares the documents itself.

interface PartnerDoc {
  id?: string;
  organisation?: { name?: string; country?: string };
  funderId?: string | null;
  coordinator?: boolean;
  budget?: Record<string, unknown>;
  pi?: Record<string, unknown>;
}

export interface VersionDoc {
  document: Record<string, unknown>;
  documents: Record<string, unknown>[];
}

export type VersionChange =
  | { kind: 'field'; field: 'acronym' | 'title' | 'abstract' | 'keywords' | 'modules' | 'durationMonths' }
  | { kind: 'partner-added' | 'partner-removed' | 'partner-changed'; name: string }
  | { kind: 'file-replaced' | 'file-added' | 'file-removed'; file: string };

const fields = ['acronym', 'title', 'abstract', 'keywords', 'modules', 'durationMonths'] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function partnersOf(doc: Record<string, unknown>): Map<string, PartnerDoc> {
  const list = Array.isArray(doc.partners) ? (doc.partners as PartnerDoc[]) : [];
  return new Map(list.map((p, i) => [p.id ?? `#${i}`, p]));
}

const partnerName = (p: PartnerDoc) =>
  [p.organisation?.name, p.organisation?.country].filter(Boolean).join(', ') || (p.id ?? '?');

/** The changes from `before` to `after`, in a stable order: fields, partners, files. */
export function versionChanges(before: VersionDoc, after: VersionDoc): VersionChange[] {
  const out: VersionChange[] = [];
  for (const field of fields) {
    if (!same(before.document[field], after.document[field])) out.push({ kind: 'field', field });
  }
  const was = partnersOf(before.document);
  const now = partnersOf(after.document);
  for (const [id, p] of now) {
    const old = was.get(id);
    if (!old) out.push({ kind: 'partner-added', name: partnerName(p) });
    else if (!same(old, p)) out.push({ kind: 'partner-changed', name: partnerName(p) });
  }
  for (const [id, p] of was) if (!now.has(id)) out.push({ kind: 'partner-removed', name: partnerName(p) });

  const files = (list: Record<string, unknown>[]) =>
    new Map(list.map((d) => [String(d.kind), { sha: String(d.sha256), name: String(d.name ?? d.kind) }]));
  const oldFiles = files(before.documents);
  const newFiles = files(after.documents);
  for (const [kind, f] of newFiles) {
    const old = oldFiles.get(kind);
    if (!old) out.push({ kind: 'file-added', file: f.name });
    else if (old.sha !== f.sha) out.push({ kind: 'file-replaced', file: f.name });
  }
  for (const [kind, f] of oldFiles) if (!newFiles.has(kind)) out.push({ kind: 'file-removed', file: f.name });
  return out;
}
