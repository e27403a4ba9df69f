import { inZone, type ProposalStage } from '@permed/domain';
import type { VersionRow } from './proposal-store.ts';

export interface ReceiptDocument {
  kind: string;
  name: string;
  sha256: string;
  bytes: number;
  pages: number;
}

/** What a consortium gets back for a submission (and again, identical, for a retried one). */
export interface SubmissionReceipt {
  proposalId: string;
  acronym: string;
  title: string;
  stage: ProposalStage;
  version: number;
  callSlug: string;
  callVersion: number;
  /** Server time of the submission, UTC. */
  submittedAt: string;
  /** The same instant in the call's zone, with its offset. */
  submittedAtCallZone: string;
  zone: string;
  /** SHA-256 of the canonical (RFC 8785) { document, documents }. */
  contentHash: string;
  documents: ReceiptDocument[];
  /** Where the PDF receipt can be downloaded. */
  receiptPdf: string;
}

const zoned = new Map<string, string>();

/**
 * The instant in a zone with its offset ("2026-01-15T11:00:00+01:00"). Memoised: zone arithmetic
 * is the costliest pure step of a submission, and the e-mail and the receipt need the same value.
 */
export function inCallZone(at: string, zone: string): string {
  const key = `${at}|${zone}`;
  let value = zoned.get(key);
  if (value === undefined) {
    value = inZone({ at, zone });
    if (zoned.size >= 1000) zoned.clear();
    zoned.set(key, value);
  }
  return value;
}

export function receiptOf(
  version: VersionRow,
  call: { slug: string; zone: string },
  links: { base: string },
): SubmissionReceipt {
  const doc = version.document as { acronym?: string; title?: string };
  const at = version.submittedAt.toISOString();
  return {
    proposalId: version.proposalId,
    acronym: doc.acronym ?? '',
    title: doc.title ?? '',
    stage: version.stage,
    version: version.seq,
    callSlug: call.slug,
    callVersion: version.callVersion,
    submittedAt: at,
    submittedAtCallZone: inCallZone(at, call.zone),
    zone: call.zone,
    contentHash: version.contentHash,
    documents: version.documents as unknown as ReceiptDocument[],
    receiptPdf: `${links.base}/${version.proposalId}/versions/${version.seq}/receipt.pdf`,
  };
}
