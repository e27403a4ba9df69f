import { ZodError } from 'zod';
import { canonicalHash, recordAudit, schema, type Actor, type Db, type Tx } from '@permed/db';
import { sanitizeFileName } from '@permed/documents';
import { AppError } from '@permed/http';
import type { BlobStore } from '@permed/blobs';
import type { LetterKind } from './letter-store.ts';

export interface LetterItem {
  proposalId: string;
  acronym: string;
  partnerId: string | null;
  funderId: string | null;
  /** The outcome or decision the letter states. */
  outcome: string;
  fileName: string;
  build: () => Promise<Uint8Array>;
}

export interface ItemReport {
  proposalId: string;
  acronym: string;
  partnerId: string | null;
  funderId: string | null;
  outcome: string;
  fileName: string;
  ok: boolean;
  error?: string;
  sha256?: string;
  sizeBytes?: number;
}

export interface BatchResult {
  batchId: string;
  kind: LetterKind;
  generatedAt: Date;
  manifestHash: string;
  items: ItemReport[];
}

function describeError(error: unknown): string {
  if (error instanceof ZodError) {
    return error.issues.map((i) => `${i.path.join('.') || '(letter)'}: ${i.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** Safe, unique file names inside one archive. */
function uniqueNames(items: LetterItem[]): string[] {
  const used = new Set<string>();
  return items.map((item) => {
    const base = sanitizeFileName(item.fileName);
    let name = base;
    for (let n = 2; used.has(name); n++) name = base.replace(/(\.pdf)?$/, `-${n}$1`);
    used.add(name);
    return name;
  });
}

/**
 * Builds every letter first and stores them only if all of them built: a batch is all or nothing, so
 * the call office never sends half a call's letters. On failure nothing is written and the 422 lists
 * each item with its error. On success the PDFs go to the content-addressed blob store, then one
 * transaction writes the batch, its letters and the audit row; `after` adds side effects (e-mails) to
 * the same transaction.
 */
export async function generateLetterBatch(
  deps: { db: Db; blobs: BlobStore; now: Date },
  actor: Actor,
  args: {
    callId: string;
    callVersion: number;
    recommendationHash: string;
    kind: LetterKind;
    funderId: string | null;
    items: LetterItem[];
    after?: (tx: Tx, batchId: string) => Promise<void>;
  },
): Promise<BatchResult> {
  if (args.items.length === 0) {
    throw new AppError('UNPROCESSABLE', `There is no ${args.kind} letter to generate yet`, {
      extensions: { items: [] },
    });
  }
  const names = uniqueNames(args.items);
  const built: { item: ItemReport; bytes: Uint8Array | null }[] = [];
  for (const [i, item] of args.items.entries()) {
    const report: ItemReport = {
      proposalId: item.proposalId,
      acronym: item.acronym,
      partnerId: item.partnerId,
      funderId: item.funderId,
      outcome: item.outcome,
      fileName: names[i]!,
      ok: true,
    };
    // Building a PDF is CPU work (~0.1-0.2 s); yield between letters so that other requests are
    // served while a whole call's letters are built.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      built.push({ item: report, bytes: await item.build() });
    } catch (error) {
      built.push({ item: { ...report, ok: false, error: describeError(error) }, bytes: null });
    }
  }
  const failed = built.filter((b) => !b.item.ok);
  if (failed.length > 0) {
    throw new AppError(
      'UNPROCESSABLE',
      `${failed.length} of ${built.length} ${args.kind} letters could not be built; none was stored`,
      { extensions: { items: built.map((b) => b.item) } },
    );
  }

  // Files first, rows after: a file whose rows never commit is an orphan that
  // `collectFundingOrphans` removes; a row never points at a missing file.
  const items: ItemReport[] = [];
  for (const b of built) {
    const blob = await deps.blobs.put(b.bytes!);
    items.push({ ...b.item, sha256: blob.sha256, sizeBytes: blob.bytes });
  }
  return deps.db.transaction(async (tx) => {
    const manifestHash = canonicalHash(
      items.map((i) => ({
        fileName: i.fileName,
        sha256: i.sha256,
        proposalId: i.proposalId,
        partnerId: i.partnerId,
      })),
    );
    const [batch] = await tx
      .insert(schema.fundingLetterBatches)
      .values({
        callId: args.callId,
        kind: args.kind,
        funderId: args.funderId,
        callVersion: args.callVersion,
        recommendationHash: args.recommendationHash,
        itemCount: items.length,
        manifestHash,
        generatedAt: deps.now,
        generatedBy: actor.userId,
        generatedByLabel: actor.label,
      })
      .returning();
    await tx.insert(schema.fundingLetters).values(
      items.map((i) => ({
        batchId: batch!.id,
        callId: args.callId,
        kind: args.kind,
        proposalId: i.proposalId,
        partnerId: i.partnerId,
        funderId: i.funderId,
        outcome: i.outcome,
        fileName: i.fileName,
        sha256: i.sha256!,
        sizeBytes: i.sizeBytes!,
        generatedAt: deps.now,
      })),
    );
    await recordAudit(tx, {
      actor,
      action: `funding.${args.kind}_letters_generated`,
      targetType: 'call',
      targetId: args.callId,
      details: { batchId: batch!.id, itemCount: items.length, manifestHash, funderId: args.funderId },
      at: deps.now,
    });
    if (args.after) await args.after(tx, batch!.id);
    return { batchId: batch!.id, kind: args.kind, generatedAt: deps.now, manifestHash, items };
  });
}
