import type { FastifyRequest, FastifySchema } from 'fastify';
import type { SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Access } from './access.ts';
import { errorCatalogue } from './errors.ts';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The request body of a route that reads its body itself (a multipart upload): it goes into the
     * OpenAPI document only, Fastify never validates it (the handler does, part by part).
     */
    documentedBody?: {
      contentType: string;
      /** JSON Schema of the body (for multipart/form-data: one property per part). */
      schema: Record<string, unknown>;
      description?: string;
    };
  }
}

/** Marks a header the document lists as required although the schema lets it through (see below). */
const REQUIRED_IN_DOCUMENT = 'x-permed-required';

/**
 * Request headers a route reads itself, declared on its schema (`headers: z.looseObject({...})`)
 * so that OpenAPI lists them. They are optional strings here on purpose: the use case parses and
 * refuses them with its own precise problem (428 when a required one is missing, 412 when stale,
 * 400 naming the header when malformed), and a loose object keeps every other header.
 */
export const ifMatchHeader = {
  'if-match': z
    .string()
    .optional()
    .describe(
      'The ETag you read. Where the route needs it, a missing one gives 428 and a stale one 412 with the current ETag',
    ),
} as const;

/**
 * If-Match on a route that refuses to write without it (428): documented as required, so a typed
 * client cannot forget it, while the use case still answers the missing header with its 428.
 */
export const requiredIfMatchHeader = {
  'if-match': z
    .string()
    .optional()
    .meta({ [REQUIRED_IN_DOCUMENT]: true })
    .describe('The ETag you read. Missing: 428; stale: 412 with the current ETag'),
} as const;

export const ifNoneMatchHeader = {
  'if-none-match': z.string().optional().describe('`*`: only if there is none yet (else 412)'),
} as const;

export const idempotencyKeyHeader = {
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      'One key per intent (1–128 of A–Z a–z 0–9 . _ : -): a retry with the same key returns the first answer',
    ),
} as const;

/** Whether a route's declared body accepts `{}`: then it also accepts no body at all. */
export function acceptsEmptyBody(body: unknown): boolean {
  return body instanceof z.ZodType && body.safeParse({}).success;
}

const emptyBodyChecks = new WeakMap<object, boolean>();

/**
 * preValidation: a request without a body to a route whose body has only optional fields is
 * validated as `{}` (Fastify would hand the validator `null`: "expected object, received null").
 * An action such as POST …/publish is naturally sent without a body.
 */
export async function acceptMissingOptionalBody(request: FastifyRequest): Promise<void> {
  if (request.body !== undefined && request.body !== null) return;
  const body = request.routeOptions.schema?.body;
  if (!body || typeof body !== 'object') return;
  let accepts = emptyBodyChecks.get(body);
  if (accepts === undefined) {
    accepts = acceptsEmptyBody(body);
    emptyBodyChecks.set(body, accepts);
  }
  if (accepts) request.body = {};
}

/** The problem document (RFC 9457) every error response carries; see errors.ts. */
export const problemJsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Identifies the problem kind' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: {
      type: 'string',
      enum: Object.keys(errorCatalogue),
      description: 'Stable code to branch on',
    },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The path of the request' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For invalid input: each problem with where it is',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          in: { type: 'string', description: 'body, query, params, headers or file' },
          path: { type: 'string', description: 'JSON pointer (RFC 6901) within that part' },
          message: { type: 'string' },
          code: { type: 'string' },
        },
      },
    },
  },
  additionalProperties: true,
} as const;

const OPTIONAL_BODY = 'x-permed-optional-body';

type RouteDoc = Parameters<typeof jsonSchemaTransform>[0] & {
  route?: { config?: { access?: Access }; schema?: FastifySchema };
};

/**
 * Per route, on top of the zod → JSON Schema conversion: the security requirement derived from
 * `config.access` (public → none, anything else → bearer token), so the document cannot drift
 * from what the access guard enforces; the problems the guard and the validator can answer (400,
 * 401, 403); a body declared for OpenAPI only (multipart uploads); and whether the body is
 * optional (by the same test as `acceptMissingOptionalBody`).
 */
export function openApiRouteTransform(doc: RouteDoc): ReturnType<typeof jsonSchemaTransform> {
  const out = jsonSchemaTransform(doc);
  const schema = out.schema as Record<string, unknown> & { hide?: boolean };
  if (!schema || schema.hide) return out;
  const declared = doc.schema as FastifySchema | undefined;
  const access = doc.route?.config?.access;
  const isPublic = !access || 'public' in access;
  schema.security = isPublic ? [] : [{ bearerAuth: [] }];

  const documented = declared?.documentedBody;
  delete schema.documentedBody;
  if (documented) {
    schema.body = documented.schema;
    schema.consumes = [documented.contentType];
  }
  if (declared?.body && acceptsEmptyBody(declared.body)) schema[OPTIONAL_BODY] = true;

  const headers = schema.headers as
    { properties?: Record<string, Record<string, unknown>>; required?: string[] } | undefined;
  for (const [name, property] of Object.entries(headers?.properties ?? {})) {
    if (property[REQUIRED_IN_DOCUMENT] !== true) continue;
    delete property[REQUIRED_IN_DOCUMENT];
    headers!.required = [...(headers!.required ?? []), name];
  }

  const response = { ...(schema.response as Record<string, unknown> | undefined) };
  // A route that sends a file (or nothing) declares no serialiser for its success; say what it sends.
  if (declared?.produces?.length && !Object.keys(response).some((status) => status.startsWith('2'))) {
    response[200] = { description: 'The file', type: 'string', format: 'binary' };
  }
  const hasInput = Boolean(
    declared?.params ?? declared?.querystring ?? declared?.body ?? declared?.headers ?? documented,
  );
  if (hasInput) response[400] ??= {};
  if (!isPublic) response[401] ??= {};
  if (access && 'roles' in access) response[403] ??= {};
  schema.response = response;
  // "/api/proposals/" and "/api/proposals" are one route (ignoreTrailingSlash): document it once, without.
  const url = out.url.length > 1 ? out.url.replace(/\/+$/, '') : out.url;
  return { schema, url };
}

const reasons: Record<string, string> = {
  '400': 'Bad request: invalid input, with each problem in `errors`',
  '401': 'Authentication needed: no, an expired or a revoked token',
  '403': 'Not allowed for your role or scope',
  '404': 'Not found (also for objects you may not see)',
  '409': 'Conflict with the current state (see `code`)',
  '410': 'Gone',
  '412': 'The resource changed since you read it: the current ETag is in the answer',
  '413': 'Too large',
  '415': 'Unsupported media type',
  '422': 'Cannot be processed (see `code`)',
  '428': 'A precondition header (If-Match, If-None-Match) is required',
  '429': 'Too many requests',
};

type Operation = {
  requestBody?: { required?: boolean };
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
  [key: string]: unknown;
};

/**
 * On the whole document: every error response is application/problem+json with the shared
 * Problem schema (the error handler renders every 4xx/5xx that way), and optional bodies are
 * marked `required: false`.
 */
export const openApiDocumentTransform: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const openapiObject = document.openapiObject as Record<string, unknown>;
  const components = (openapiObject.components ?? {}) as Record<string, Record<string, unknown>>;
  components.schemas = { ...components.schemas, Problem: problemJsonSchema };
  const problem = {
    'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
  };
  const paths = (openapiObject.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      if (operation[OPTIONAL_BODY]) {
        delete operation[OPTIONAL_BODY];
        if (operation.requestBody) operation.requestBody.required = false;
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!/^[45]\d\d$/.test(status)) continue;
        response.description = reasons[status] ?? 'Error';
        response.content = problem;
      }
    }
  }
  return { ...openapiObject, components };
};
