import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema, type OutboxHandler } from '@permed/db';
import { buildSubmissionReceipt } from '@permed/documents';
import type { Partner } from '@permed/domain';
import { AppError } from '@permed/http';
import { proposalsContext, type ProposalsContext, type ProposalsDeps } from './deps.ts';
import { findVersion } from './proposal-store.ts';
import type { ReceiptDocument } from './receipt.ts';

/**
 * The PDF receipt of a version: built after commit by the outbox (kind 'receipt-pdf'), or on the
 * first download if the outbox has not run yet. The builder is deterministic (same data, same
 * bytes) and the blob store is content-addressed, so both paths give the same file, and running
 * twice stores it once.
 */
export async function ensureReceiptPdf(
  ctx: ProposalsContext,
  proposalId: string,
  seq: number,
): Promise<{ sha256: string; bytes: number }> {
  const where = and(
    eq(schema.submissionReceipts.proposalId, proposalId),
    eq(schema.submissionReceipts.seq, seq),
  );
  const [existing] = await ctx.db.select().from(schema.submissionReceipts).where(where);
  if (existing && (await ctx.blobs.has(existing.sha256)))
    return { sha256: existing.sha256, bytes: existing.bytes };

  const version = await findVersion(ctx.db, proposalId, seq);
  if (!version) throw new AppError('NOT_FOUND', `No version ${seq}`);
  const callCtx = await ctx.calls.version(ctx.db, version.callId, version.callVersion);
  const doc = version.document as { acronym: string; title: string; partners: Partner[] };
  const coordinator = doc.partners.find((p) => p.coordinator) ?? doc.partners[0]!;
  const pdf = await buildSubmissionReceipt({
    callTitle: callCtx.definition.title,
    stage: version.stage === 'pre-proposal' ? 'Pre-proposal' : 'Full proposal',
    proposalAcronym: doc.acronym,
    proposalTitle: doc.title,
    proposalId,
    version: seq,
    submittedAtUtc: version.submittedAt.toISOString(),
    zone: callCtx.definition.zone,
    sha256: version.contentHash,
    documents: (version.documents as unknown as ReceiptDocument[]).map((d) => ({
      name: d.name,
      sha256: d.sha256,
      bytes: d.bytes,
      pages: d.pages,
    })),
    coordinator: {
      name: coordinator.pi.name,
      organisation: coordinator.organisation.name,
      email: coordinator.pi.email,
    },
  });
  const stored = await ctx.blobs.put(pdf);
  await ctx.db
    .insert(schema.submissionReceipts)
    .values({ proposalId, seq, sha256: stored.sha256, bytes: stored.bytes, createdAt: version.submittedAt })
    .onConflictDoNothing();
  return stored;
}

const receiptPayload = z.object({ proposalId: z.uuid(), seq: z.number().int().positive() }).strict();

/** Outbox handlers of this service, for the platform's outbox worker (kind 'receipt-pdf'). */
export function proposalsOutboxHandlers(deps: ProposalsDeps): Record<string, OutboxHandler> {
  const ctx = proposalsContext(deps);
  return {
    'receipt-pdf': async (payload) => {
      const { proposalId, seq } = receiptPayload.parse(payload);
      await ensureReceiptPdf(ctx, proposalId, seq);
    },
  };
}
