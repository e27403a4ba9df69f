import path from 'node:path';
import { createBlobStore } from '@permed/blobs';
import { validPdf } from '@permed/documents/testing';
import type { ScenarioDatabase } from './database.ts';
import { prepareProposals, publishCallClosingAt, type PreparedProposal } from './fixtures.ts';

/**
 * A call open for 30 more days and `count` complete proposals in it, each with the same one-page
 * PDF in the platform's blob store: the starting point of a scenario whose clients submit while
 * something goes wrong. Done on the scenario's own handle, closed before the platform starts.
 */
export async function prepareOpenCall(
  db: ScenarioDatabase,
  options: { slug: string; count: number; label: string },
): Promise<{ callId: string; proposals: PreparedProposal[] }> {
  const handle = await db.open();
  try {
    const callId = await publishCallClosingAt(
      handle.db,
      options.slug,
      new Date(Date.now() + 30 * 24 * 3600_000),
    );
    const pdf = await createBlobStore(path.join(db.dataDir, 'blobs')).put(await validPdf({ pages: 1 }));
    const proposals = await prepareProposals(handle.db, db.config, {
      callSlug: options.slug,
      count: options.count,
      label: options.label,
      pdf,
    });
    return { callId, proposals };
  } finally {
    await handle.close();
  }
}
