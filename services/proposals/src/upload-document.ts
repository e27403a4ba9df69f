import type { Readable } from 'node:stream';
import { recordAudit, schema } from '@permed/db';
import { sanitizeFileName, type RejectionReason } from '@permed/documents';
import { BlobTooLargeError, type SpooledFile } from '@permed/blobs';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import { requireEditable } from './editing-window.ts';
import { callOf, requireEditor, resolveProposalAccess } from './proposal-access.ts';
import { lockProposal, type DocumentRow } from './proposal-store.ts';

export const documentKinds = ['proposal', 'annex'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export interface IncomingFile {
  stream: Readable;
  /** The client's name for the file: metadata only, sanitised, never used to decide anything. */
  filename: string;
  /** True when the multipart parser cut the file at the size limit. */
  truncated(): boolean;
}

const MiB = 1024 * 1024;

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the call's limit of ${maxBytes} bytes`, {
    errors: [{ in: 'file', path: '/file', message: `larger than ${maxBytes} bytes`, code: 'TOO_LARGE' }],
    extensions: { reason: 'TOO_LARGE', maxBytes },
  });
}

function refused(reason: RejectionReason, detail: string, maxBytes: number): AppError {
  if (reason === 'TOO_LARGE') return tooLarge(maxBytes);
  // Not a PDF at all is the wrong media type; a PDF we will not accept is unprocessable.
  const code = reason === 'NOT_A_PDF' ? 'UNSUPPORTED_MEDIA_TYPE' : 'UNPROCESSABLE';
  return new AppError(code, `The file was refused: ${reason}`, {
    errors: [{ in: 'file', path: '/file', message: detail.slice(0, 500), code: reason }],
    extensions: { reason },
  });
}

/**
 * Receives one PDF: authorise and check the window before reading a byte; stream it into the blob
 * store's temporary area while hashing; inspect it by content (magic bytes, parse in a worker with
 * limits, encryption, active content, page limit); then, in one transaction, re-check the window,
 * record it (replacing the previous document of that kind) with its audit row, and move the file
 * into place as the last step before COMMIT. Any refusal or interruption deletes the temporary file
 * and writes no document row.
 */
export async function uploadDocument(
  ctx: ProposalsContext,
  principal: Principal,
  proposalId: string,
  kind: DocumentKind,
  openFile: (limits: { maxBytes: number }) => Promise<IncomingFile | undefined>,
): Promise<DocumentRow> {
  const access = await resolveProposalAccess(ctx.db, principal, proposalId);
  requireEditor(access, 'upload documents');
  if (access.role === 'editor' && access.partnerId !== null) {
    throw new AppError(
      'FORBIDDEN',
      'Only the coordinator or a consortium-wide editor may upload the proposal documents',
    );
  }
  const call = await callOf(ctx, access);
  requireEditable({ stage: access.proposal.stage, state: access.state }, call, ctx.clock.now());
  const maxBytes = call.definition.documents.maxBytes ?? 10 * MiB;
  const maxPages = call.definition.documents.maxPages;

  const file = await openFile({ maxBytes });
  if (!file) {
    throw new AppError('VALIDATION_FAILED', 'Send one file in a multipart/form-data field', {
      errors: [{ in: 'body', path: '/file', message: 'no file part' }],
    });
  }
  // Spooled without hashing: the inspection worker reads the file anyway and hashes it there, and
  // that hash names the blob (hashing 10 MiB uploads on the event loop too cost ~20 % of upload
  // throughput; docs/benchmarks.md).
  let staged: SpooledFile;
  try {
    staged = await ctx.blobs.spool(file.stream, { maxBytes });
  } catch (error) {
    if (error instanceof BlobTooLargeError || (error as { statusCode?: number }).statusCode === 413) {
      throw tooLarge(maxBytes);
    }
    throw error;
  }
  const actor = actorOf(principal);
  try {
    if (file.truncated()) throw tooLarge(maxBytes);
    const inspection = await ctx.inspector.inspect(staged.tempPath, { maxPages, maxBytes });
    if (!inspection.ok) {
      await recordAudit(ctx.db, {
        actor,
        action: 'proposal.document_refused',
        targetType: 'proposal',
        targetId: proposalId,
        details: { kind, reason: inspection.reason, sha256: await staged.hash(), bytes: staged.bytes },
        at: ctx.clock.now(),
      });
      throw refused(inspection.reason, inspection.detail, maxBytes);
    }
    // The worker hashed exactly the bytes it read from the spooled file.
    if (inspection.sizeBytes !== staged.bytes) {
      throw new Error(
        `the spooled upload changed while it was inspected (${staged.bytes} -> ${inspection.sizeBytes} bytes)`,
      );
    }
    const sha256 = inspection.sha256;
    const fileName = sanitizeFileName(file.filename);
    const now = ctx.clock.now();
    return await ctx.db.transaction(async (tx) => {
      const locked = await lockProposal(tx, proposalId);
      requireEditable({ stage: locked.proposal.stage, state: locked.state }, call, now);
      const values = {
        proposalId,
        stage: locked.proposal.stage,
        kind,
        fileName,
        sha256,
        bytes: staged.bytes,
        pages: inspection.pageCount,
        pdfVersion: inspection.pdfVersion,
        uploadedAt: now,
        uploadedBy: principal.userId,
      };
      const [row] = await tx
        .insert(schema.proposalDocuments)
        .values(values)
        .onConflictDoUpdate({
          target: [
            schema.proposalDocuments.proposalId,
            schema.proposalDocuments.stage,
            schema.proposalDocuments.kind,
          ],
          set: values,
        })
        .returning();
      await recordAudit(tx, {
        actor,
        action: 'proposal.document_uploaded',
        targetType: 'proposal',
        targetId: proposalId,
        details: {
          kind,
          stage: values.stage,
          sha256,
          bytes: staged.bytes,
          pages: inspection.pageCount,
          fileName,
        },
        at: now,
      });
      // Last before COMMIT: if the rename fails the row is rolled back; if COMMIT fails after it,
      // the blob is unreferenced and collectOrphans removes it.
      await staged.commit(sha256);
      return row!;
    });
  } finally {
    await staged.discard();
  }
}
