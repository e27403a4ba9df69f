import type { Readable } from 'node:stream';
import { recordAudit, schema } from '@permed/db';
import { pdfFileName, type RejectionReason } from '@permed/documents';
import { BlobTooLargeError, type SpooledFile } from '@permed/blobs';
import { AppError, type Principal } from '@permed/http';
import { actorOf } from '@permed/service-kit';
import type { ProposalsContext } from './deps.ts';
import { requireEditable } from './editing-window.ts';
import { callOf, requireEditor, resolveProposalAccess } from './proposal-access.ts';
import { findDocument, lockProposal, type DocumentRow } from './proposal-store.ts';

export const documentKinds = ['proposal', 'annex'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export interface IncomingFile {
  stream: Readable;
  /** The client's name for the file: metadata only, sanitised, never used to decide anything. */
  filename: string;
  /** True when the multipart parser cut the file at the size limit. */
  truncated(): boolean;
  /** Once the file is read: whether the request ended after it (false: it carried another part). */
  wasOnlyPart(): Promise<boolean>;
}

const MiB = 1024 * 1024;

/**
 * What the client last saw in the document slot, from its conditional headers: no document
 * (`If-None-Match: *`) or the document whose ETag it read (`If-Match: "<sha256>"`, the ETag the
 * download and the upload answer with). An upload without one would silently replace a document
 * someone else uploaded meanwhile, so it is refused (428), like every other write of the draft.
 */
export type DocumentPrecondition = { absent: true } | { sha256: ReadonlySet<string> };

export interface DocumentPreconditionHeaders {
  ifMatch?: string | string[] | undefined;
  ifNoneMatch?: string | string[] | undefined;
}

const headerValue = (h: string | string[] | undefined): string | undefined => {
  const v = Array.isArray(h) ? h.join(',') : h;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

function badPrecondition(header: 'if-match' | 'if-none-match', message: string): AppError {
  return new AppError('BAD_REQUEST', message, {
    errors: [{ in: 'headers', path: `/${header}`, message }],
  });
}

/** One entity-tag of RFC 9110 §8.8.3: optionally weak, then a quoted string of etagc characters. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * Reads the upload's precondition (RFC 9110 §13.1): If-Match with a list of entity-tags, or
 * If-None-Match: *. If-Match compares strongly, so a weak tag, or a well-formed one that is not a
 * document's hash, simply never matches (412); empty list elements are ignored. `If-Match: *`
 * ("whatever is there") is refused: an upload names the document it replaces.
 */
export function documentPrecondition(headers: DocumentPreconditionHeaders): DocumentPrecondition {
  const ifMatch = headerValue(headers.ifMatch);
  const ifNoneMatch = headerValue(headers.ifNoneMatch);
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw badPrecondition(
      'if-none-match',
      'Send If-Match to replace a document or If-None-Match: * for the first one, not both',
    );
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') {
      throw badPrecondition(
        'if-none-match',
        'If-None-Match must be * (upload only if there is no document yet)',
      );
    }
    return { absent: true };
  }
  if (ifMatch === undefined) {
    throw new AppError(
      'PRECONDITION_REQUIRED',
      'Send If-Match with the ETag of the document you replace, or If-None-Match: * for the first one',
    );
  }
  if (ifMatch === '*') {
    throw badPrecondition(
      'if-match',
      'If-Match: * is not accepted: name the document you replace by its ETag, "<sha256>"',
    );
  }
  const items = ifMatch
    .split(',')
    .map((i) => i.trim())
    .filter((i) => i !== '');
  const parsed = items.map((item) => ENTITY_TAG.exec(item));
  if (parsed.length === 0 || parsed.some((m) => m === null)) {
    throw badPrecondition('if-match', 'If-Match must be a list of ETags, e.g. "<sha256>"');
  }
  // Strong comparison: a weak tag matches nothing; hashes are compared in lower case.
  return { sha256: new Set(parsed.flatMap((m) => (m![1] === undefined ? [m![2]!.toLowerCase()] : []))) };
}

/** 412 unless the slot holds what the client last saw; the current ETag goes with the refusal. */
function requirePrecondition(precondition: DocumentPrecondition, current: string | null, kind: DocumentKind) {
  const holds =
    'absent' in precondition ? current === null : current !== null && precondition.sha256.has(current);
  if (holds) return;
  throw new AppError(
    'PRECONDITION_FAILED',
    current === null
      ? `There is no ${kind} document to replace: send If-None-Match: * to upload the first one`
      : `The ${kind} document changed since you read it: reload it and upload again if yours should replace it`,
    {
      extensions: { currentSha256: current },
      ...(current === null ? {} : { headers: { etag: `"${current}"` } }),
    },
  );
}

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
  conditions: DocumentPreconditionHeaders,
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
  // Checked before a byte of the file is read, and again under the proposal's lock below.
  const precondition = documentPrecondition(conditions);
  requirePrecondition(
    precondition,
    (await findDocument(ctx.db, proposalId, access.proposal.stage, kind))?.sha256 ?? null,
    kind,
  );
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
    if (!(await file.wasOnlyPart())) {
      throw new AppError('VALIDATION_FAILED', 'Send exactly one file part: one file per request', {
        errors: [{ in: 'body', path: '/file', message: 'more than one part', code: 'TOO_MANY_PARTS' }],
      });
    }
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
    // The content is a PDF, so the stored name ends in .pdf whatever was sent ("x.html" → "x.pdf");
    // the name as sent goes to the audit row.
    const fileName = pdfFileName(file.filename);
    const now = ctx.clock.now();
    return await ctx.db.transaction(async (tx) => {
      const locked = await lockProposal(tx, proposalId);
      requireEditable({ stage: locked.proposal.stage, state: locked.state }, call, now);
      requirePrecondition(
        precondition,
        (await findDocument(tx, proposalId, locked.proposal.stage, kind))?.sha256 ?? null,
        kind,
      );
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
          // As sent, for an investigation; made storable (jsonb holds no NUL or lone surrogate).
          sentFileName: file.filename.toWellFormed().replaceAll('\0', '\ufffd').slice(0, 255),
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
