import { inArray } from 'drizzle-orm';
import type { OrphanReport } from '@permed/blobs';
import { schema } from '@permed/db';
import { fundingBlobStore, type FundingDeps } from './funding-deps.ts';

/**
 * Removes letter files that no letter row references: the files of a batch whose transaction failed
 * after they were written. Files younger than `graceMs` are spared (a batch may be about to commit).
 * For the platform's maintenance job; nothing runs it on its own.
 */
export async function collectFundingOrphans(
  deps: FundingDeps,
  options: { graceMs?: number } = {},
): Promise<OrphanReport> {
  return fundingBlobStore(deps).collectOrphans(async (candidates) => {
    const rows = await deps.db
      .selectDistinct({ sha: schema.fundingLetters.sha256 })
      .from(schema.fundingLetters)
      .where(inArray(schema.fundingLetters.sha256, candidates));
    return new Set(rows.map((r) => r.sha));
  }, options);
}
