import multipart from '@fastify/multipart';
import { z } from 'zod';
import { pdfFileName } from '@permed/documents';
import {
  AppError,
  anyOf,
  contentDisposition,
  multipartProblem,
  type FastifyPluginAsyncZod,
  ifMatchHeader,
  ifNoneMatchHeader,
} from '@permed/http';
import type { ProposalsContext } from '../deps.ts';
import { resolveProposalAccess } from '../proposal-access.ts';
import { findDocument } from '../proposal-store.ts';
import { documentView as toDocumentView } from '../read-proposal.ts';
import { documentKinds, uploadDocument } from '../upload-document.ts';
import { documentView, problems } from './route-schemas.ts';

const tags = ['proposals: documents'];
const MiB = 1024 * 1024;
const PART_LIMITS = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT']);
/** The parser's limits (one part, one file, no fields) are how it reports a part beyond the file. */
const isPartLimit = (error: unknown): boolean => PART_LIMITS.has((error as { code?: string }).code ?? '');
const documentParams = z.object({ id: z.uuid(), kind: z.enum(documentKinds) }).strict();

export function uploadRoutes(ctx: ProposalsContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Multipart exists only in this scope, with explicit limits: one file part and nothing else.
    // The per-call size limit is applied per request (the ceiling here is the largest a call may set).
    await app.register(multipart, {
      limits: { files: 1, fields: 0, parts: 1, fileSize: 100 * MiB, headerPairs: 50, fieldNameSize: 100 },
    });

    // A malformed body (no boundary, no closing boundary, a client gone half-way) is the client's
    // mistake: 400 MALFORMED_MULTIPART with the reason, not the parser's error as a 500. Thrown
    // again, the problem goes on to the platform's error handler, which writes problem+json.
    app.setErrorHandler((error) => {
      throw multipartProblem(error) ?? error;
    });

    // An upload refused before its body was read (401/403/404/409/428/412...) closes the connection:
    // otherwise Node would keep receiving and discarding the rest of a file of up to the call's
    // size limit, to reuse the connection.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.method === 'PUT' && reply.statusCode >= 400 && !request.raw.readableEnded) {
        void reply.header('connection', 'close');
      }
      done(null, payload);
    });

    app.put(
      '/:id/documents/:kind',
      {
        config: { access: anyOf('applicant') },
        schema: {
          operationId: 'uploadDocument',
          tags,
          summary:
            'Upload the PDF of this stage (kind "proposal", required) or an annex; replaces the previous one',
          description:
            'Conditional, so that two people cannot silently replace each other\'s file: send `If-None-Match: *` for the first document of this kind, or `If-Match: "<sha256>"` (the ETag the download and this route answer with; `sha256` in the proposal\'s documents) to replace that document (`If-Match: *` is refused). Without either: 428; when the slot holds something else: 412 with the current ETag — also for a retry whose first attempt landed, which the client recognises by the ETag of its own file. ' +
            "multipart/form-data with exactly one file part (anything after it: 400 TOO_MANY_PARTS). Checked by content, never by name: the file must start with %PDF-, parse within time and memory limits, not be encrypted, carry no JavaScript/launch/embedded files, and keep within the call's page and size limits (documents.maxPages, documents.maxBytes, default 10 MiB). Refusals: 413 TOO_LARGE, 415 NOT_A_PDF, 422 with `reason` (UNPARSABLE, ENCRYPTED, ACTIVE_CONTENT, TOO_MANY_PAGES, PARSE_TIMEOUT, PARSE_RESOURCE_LIMIT). The file name is kept as metadata only, sanitised and ending in .pdf whatever was sent (its type extension replaced: x.html → x.pdf).",
          params: documentParams,
          headers: z.looseObject({ ...ifMatchHeader, ...ifNoneMatchHeader }),
          // Read part by part by the handler below, so documented here and never validated by Fastify.
          documentedBody: {
            contentType: 'multipart/form-data',
            schema: {
              type: 'object',
              required: ['file'],
              properties: {
                file: {
                  type: 'string',
                  format: 'binary',
                  contentMediaType: 'application/pdf',
                  description: 'The PDF: the one and only part',
                },
              },
              additionalProperties: false,
            },
          },
          response: { 200: documentView, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 428) },
        },
      },
      async (request, reply) => {
        const row = await uploadDocument(
          ctx,
          request.principal!,
          request.params.id,
          request.params.kind,
          { ifMatch: request.headers['if-match'], ifNoneMatch: request.headers['if-none-match'] },
          async ({ maxBytes }) => {
            if (!request.isMultipart()) {
              throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with one file part', {
                errors: [{ in: 'headers', path: '/content-type', message: 'expected multipart/form-data' }],
              });
            }
            // The parts themselves, not request.file(): that returns the first file and never
            // looks further, so a second file would be dropped without a word.
            const parts = request.parts({
              limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 },
            });
            // A field before the file trips the no-fields limit: that is a body without a file part.
            const first = await parts.next().catch((error: unknown) => {
              if (isPartLimit(error)) return null;
              throw error;
            });
            if (first === null || first.done || first.value.type !== 'file') return undefined;
            const data = first.value;
            return {
              stream: data.file,
              filename: data.filename,
              truncated: () => data.file.truncated,
              wasOnlyPart: async () => {
                try {
                  return (await parts.next()).done === true;
                } catch (error) {
                  if (isPartLimit(error)) return false;
                  throw error;
                }
              },
            };
          },
        );
        void reply.header('etag', `"${row.sha256}"`);
        return toDocumentView(row);
      },
    );

    app.get(
      '/:id/documents/:kind',
      {
        config: { access: anyOf('applicant', 'call-office') },
        schema: {
          operationId: 'downloadDocument',
          produces: ['application/pdf'],
          tags,
          summary: 'Download the current document of this kind',
          params: documentParams,
          response: problems(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        const access = await resolveProposalAccess(ctx.db, request.principal!, request.params.id);
        const row = await findDocument(ctx.db, request.params.id, access.proposal.stage, request.params.kind);
        if (!row) throw new AppError('NOT_FOUND', `No ${request.params.kind} document uploaded`);
        return (
          reply
            .type('application/pdf')
            .header('content-length', row.bytes)
            .header('etag', `"${row.sha256}"`)
            // pdfFileName again: rows stored before names were made to end in .pdf are offered safely too.
            .header('content-disposition', contentDisposition('attachment', pdfFileName(row.fileName)))
            .send(ctx.blobs.stream(row.sha256))
        );
      },
    );
  };
}
