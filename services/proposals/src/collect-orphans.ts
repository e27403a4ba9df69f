import { inArray, sql } from 'drizzle-orm';
import { schema } from '@permed/db';
import type { OrphanReport } from '@permed/blobs';
import { proposalsContext, type ProposalsDeps } from './deps.ts';

/**
 * Removes blobs that neither a current document, a submitted version nor a receipt references
 * (e.g. a file replaced by a newer upload, or one whose transaction failed after its rename).
 * Blobs younger than `graceMs` are spared: an upload may be between its rename and its commit.
 */
export async function collectProposalOrphans(
  deps: ProposalsDeps,
  options: { graceMs?: number } = {},
): Promise<OrphanReport> {
  const ctx = proposalsContext(deps);
  return ctx.blobs.collectOrphans(
    async (candidates) => {
      const used = new Set<string>();
      const docs = await ctx.db
        .select({ sha: schema.proposalDocuments.sha256 })
        .from(schema.proposalDocuments)
        .where(inArray(schema.proposalDocuments.sha256, candidates));
      for (const d of docs) used.add(d.sha);
      const receipts = await ctx.db
        .select({ sha: schema.submissionReceipts.sha256 })
        .from(schema.submissionReceipts)
        .where(inArray(schema.submissionReceipts.sha256, candidates));
      for (const r of receipts) used.add(r.sha);
      // Submitted versions keep their own list of document hashes.
      const versions = await ctx.db
        .select({ sha: sql<string>`d->>'sha256'` })
        .from(
          sql`${schema.proposalVersions}, jsonb_array_elements(${schema.proposalVersions.documents}) as d`,
        )
        .where(sql`d->>'sha256' in ${candidates}`);
      for (const v of versions) used.add(v.sha);
      return used;
    },
    // File ages are real time (mtime), so the real clock is used here, not the service clock.
    options.graceMs !== undefined ? { graceMs: options.graceMs } : {},
  );
}
