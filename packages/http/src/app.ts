import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sjson from 'secure-json-parse';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import helmet from '@fastify/helmet';
import underPressure from '@fastify/under-pressure';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '@permed/config';
import { AppError, toProblem, type FieldProblem } from './errors.ts';
import { hasAnyRole, type Access, type Principal } from './access.ts';
import { refuseUnsafeText } from './text-guard.ts';
import { acceptMissingOptionalBody, openApiDocumentTransform, openApiRouteTransform } from './openapi.ts';
import {
  clientErrorHandler,
  hasBody,
  securityHeaders,
  limitConnectionsPerAddress,
  SLOW_CLIENT_CHECK_MS,
  watchBodyRates,
} from './slow-clients.ts';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the access guard on authenticated routes; null on public ones without a token. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Requests being served right now (health checks included), e.g. for background work to yield to. */
    requestsInFlight(): number;
  }
}

export interface Authenticator {
  /** Verifies a bearer token and loads the principal; throws AppError 401 codes. */
  authenticate(token: string, request: FastifyRequest): Promise<Principal>;
  /** Called for every refused request (401 or 403), for the log and the audit trail. */
  onDenied?(request: FastifyRequest, error: AppError): Promise<void> | void;
}

export interface HttpAppOptions {
  name: string;
  version?: string;
  description?: string;
  authenticator?: Authenticator;
  /** Checks run by /ready (e.g. a database ping); each throws when not ready. */
  readiness?: Array<() => Promise<void>>;
  /** Serve the OpenAPI document and the UI at /docs (off for services mounted inside the platform). */
  docs?: boolean;
  logger?: FastifyBaseLogger;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A Fastify 5 instance with the platform's plumbing: zod validation and serialisation, problem+json
 * errors, request ids, helmet, OpenAPI 3.1 with a UI at /docs, /health and /ready, and the access
 * guard that every route must declare.
 */
export async function createHttpApp(config: Config, options: HttpAppOptions): Promise<App> {
  const app = Fastify({
    ...(options.logger
      ? { loggerInstance: options.logger }
      : {
          logger: {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'],
            ...(config.NODE_ENV === 'development' && process.stdout.isTTY
              ? {
                  transport: {
                    target: 'pino-pretty',
                    options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
                  },
                }
              : {}),
          },
        }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Slow clients (slow-clients.ts): the head within HEADERS_TIMEOUT_SECONDS, the whole request
    // within REQUEST_TIMEOUT_SECONDS, checked every second rather than Node's 30 s.
    requestTimeout: config.REQUEST_TIMEOUT_SECONDS * 1000,
    http: {
      headersTimeout: Math.min(config.HEADERS_TIMEOUT_SECONDS, config.REQUEST_TIMEOUT_SECONDS) * 1000,
      connectionsCheckingInterval: SLOW_CLIENT_CHECK_MS,
    },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      const problem =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('URI_TOO_LONG', 'A path parameter is longer than 100 characters')
          : error.code === 'FST_ERR_BAD_URL'
            ? new AppError('MALFORMED_URL', 'The path is not valid percent-encoded UTF-8')
            : toAppError(error);
      void sendProblem(reply, request, problem);
    },
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  // Our own JSON parser, so a syntax error reports where it is (position, line, column) and
  // prototype-poisoning keys are refused rather than silently dropped.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(;|$)/,
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, sjson.parse(body, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (error) {
        done(jsonBodyError(error as Error, body as string), undefined);
      }
    },
  );

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('preValidation', acceptMissingOptionalBody);
  app.decorateRequest('principal', null);

  // Security headers first, so that every answer carries them, refusals of the hooks below included.
  await app.register(helmet, { global: true });

  // Slow clients cannot hold the platform: per-address connection limit, minimum body rate.
  limitConnectionsPerAddress(app, config.MAX_CONNECTIONS_PER_ADDRESS);
  watchBodyRates(app, {
    minBytesPerSecond: config.BODY_MIN_BYTES_PER_SECOND,
    graceMs: config.BODY_GRACE_SECONDS * 1000,
  });

  // Load shedding comes first, before any work (token checks hit the database): past the in-flight
  // cap or under event-loop pressure a client gets 503 with Retry-After at once instead of a timeout.
  // A request counts until its connection has closed AND the platform has answered it: a client
  // that gives up (closes) does not stop the work its request started, and that work still takes
  // a connection and the CPU. A request with a body counts only once its body is in (preValidation),
  // so a client sending its body slowly holds only its own connection (issue 15). Uploads, whose
  // body the handler streams, are admitted (token and role checked) while it is still arriving:
  // they count against MAX_UPLOADS_IN_FLIGHT instead, so slow uploads can never take the places
  // every other request needs.
  let inFlight = 0;
  let uploading = 0;
  const answered = new WeakMap<FastifyRequest, () => void>();
  app.decorate('requestsInFlight', () => inFlight);
  const admit = (request: FastifyRequest, reply: FastifyReply) => {
    if (answered.has(request)) return;
    // A body a content-type parser has read is in (request.body set); one left for the handler to
    // stream (an upload) is not. Not `raw.complete` alone: an injected request never sets it.
    const upload = hasBody(request) && request.body === undefined && !request.raw.complete;
    inFlight += 1;
    if (upload) uploading += 1;
    let pending = 2;
    const settle = () => {
      pending -= 1;
      if (pending > 0) return;
      inFlight -= 1;
      if (upload) uploading -= 1;
    };
    reply.raw.once('close', settle);
    answered.set(request, settle);
    if (upload) {
      if (config.MAX_UPLOADS_IN_FLIGHT > 0 && uploading > config.MAX_UPLOADS_IN_FLIGHT) {
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          'The platform is receiving too many uploads; retry shortly',
          {
            headers: { 'retry-after': '5' },
          },
        );
      }
    } else if (
      config.MAX_IN_FLIGHT > 0 &&
      inFlight - uploading > config.MAX_IN_FLIGHT &&
      !request.url.startsWith('/health')
    ) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The platform is at capacity; retry shortly', {
        headers: { 'retry-after': '1' },
      });
    }
  };
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (!hasBody(request)) admit(request, reply);
  });
  app.addHook('preValidation', async (request, reply) => admit(request, reply));
  app.addHook('onSend', async (request, _reply, payload) => {
    const settle = answered.get(request);
    answered.delete(request);
    settle?.();
    return payload;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: config.MAX_EVENT_LOOP_DELAY_MS,
    retryAfter: 1,
    pressureHandler: (request, reply, type, value) => {
      request.log.warn({ type, value }, 'shedding load');
      // Once the reply is sent, Fastify stops the request here even though under-pressure calls next().
      sendProblem(
        reply,
        request,
        new AppError('SERVICE_UNAVAILABLE', 'The platform is overloaded; retry shortly', {
          headers: { 'retry-after': '1' },
        }),
      );
    },
  });

  // Every route must say what it needs; a route without `config.access` is a programming error.
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (url.startsWith('/docs')) {
      route.config = { ...(route.config ?? {}), access: { public: true } };
      return;
    }
    if (!route.config?.access) {
      throw new Error(`Route ${route.method.toString()} ${url} declares no access rule (config.access)`);
    }
  });

  // onRequest: who is calling is settled before the body is even parsed, so an anonymous or
  // unauthorised client learns nothing from validation errors.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Unknown routes have no config; the not-found handler answers them.
    if (!access && request.is404) return;
    if (!access) throw new AppError('ROUTE_NOT_FOUND');
    const header = request.headers.authorization;
    if ('public' in access) {
      // A public route still knows who is calling when a valid token comes along.
      if (header && options.authenticator) {
        const token = bearer(header);
        if (token)
          request.principal = await options.authenticator.authenticate(token, request).catch(() => null);
      }
      return;
    }
    try {
      if (!options.authenticator) throw new AppError('UNAUTHENTICATED', 'This service has no authenticator');
      if (!header)
        throw new AppError('UNAUTHENTICATED', 'Send an access token: Authorization: Bearer <token>');
      const token = bearer(header);
      if (!token) throw new AppError('TOKEN_INVALID', 'The Authorization header must be "Bearer <token>"');
      const principal = await options.authenticator.authenticate(token, request);
      request.principal = principal;
      if ('roles' in access && !hasAnyRole(principal, access.roles)) {
        throw new AppError('FORBIDDEN', `Needs one of the roles: ${access.roles.join(', ')}`);
      }
    } catch (error) {
      if (error instanceof AppError && (error.status === 401 || error.status === 403)) {
        await options.authenticator?.onDenied?.(request, error);
      }
      throw error;
    }
  });

  // Text PostgreSQL cannot store (NUL, lone surrogates) is refused once, for every route.
  app.addHook('preValidation', refuseUnsafeText);

  app.setErrorHandler(async (error: FastifyError | AppError | Error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (appError.status === 401 || appError.status === 403) {
      request.log.warn(
        { code: appError.code, url: request.url, userId: request.principal?.userId },
        'access denied',
      );
    }
    return sendProblem(reply, request, appError);
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(
      reply,
      request,
      new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  // Anything not public may be personal: no cache, shared or private, keeps a copy.
  app.addHook('onSend', async (request, reply, payload) => {
    const access = request.routeOptions.config.access;
    if (access && !('public' in access)) void reply.header('cache-control', 'no-store');
    return payload;
  });

  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: options.name,
          version: options.version ?? '0.1.0',
          description: options.description ?? '',
        },
        // Relative: the document describes the origin that serves it.
        servers: [{ url: '/' }],
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: openApiRouteTransform,
      transformObject: openApiDocumentTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  }

  app.get('/health', { config: { access: { public: true } }, schema: { hide: true } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/ready',
    { config: { access: { public: true } }, schema: { hide: true } },
    async (request, reply) => {
      try {
        for (const check of options.readiness ?? []) await check();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'not ready');
        return sendProblem(reply, request, new AppError('SERVICE_UNAVAILABLE', 'A dependency is not ready'));
      }
    },
  );

  return app;
}

function jsonBodyError(error: Error, body: string): AppError {
  if (body.trim() === '') {
    return new AppError('MALFORMED_JSON', 'The body is empty but the content type is JSON', {
      errors: [{ in: 'body', path: '', message: 'empty body' }],
    });
  }
  if (/prototype|constructor/.test(error.message)) {
    return new AppError(
      'VALIDATION_FAILED',
      'The body contains a forbidden key (__proto__ or constructor.prototype)',
      {
        errors: [{ in: 'body', path: '', message: error.message, code: 'FORBIDDEN_KEY' }],
      },
    );
  }
  const position = /position (\d+)/.exec(error.message)?.[1];
  const at = position === undefined ? undefined : Number(position);
  let line: number | undefined;
  let column: number | undefined;
  if (at !== undefined) {
    const before = body.slice(0, at);
    line = before.split('\n').length;
    column = at - before.lastIndexOf('\n');
  }
  return new AppError('MALFORMED_JSON', error.message, {
    errors: [{ in: 'body', path: '', message: error.message }],
    extensions: at === undefined ? {} : { position: at, line, column },
  });
}

function bearer(header: string): string | null {
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  // Helmet's hook has set these on every request that reached it; answers Fastify gives before
  // any hook (a malformed URL) get them here.
  for (const [name, value] of securityHeaders) {
    if (reply.getHeader(name) === undefined) void reply.header(name, value);
  }
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  if (error.status === 401) void reply.header('www-authenticate', 'Bearer');
  if (error.status === 503 && !error.headers['retry-after']) void reply.header('retry-after', '1');
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(toProblem(error, request.url.split('?')[0], request.id));
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_ENDED',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin shutdown
  '57P02',
  '57P03', // cannot connect now
  '53300', // too many connections
  '08000',
  '08003',
  '08006',
]);

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    if (typeof code === 'string' && (code === '40001' || code === '40P01' || code === '55P03')) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps anything thrown to the catalogue. Unknown errors become INTERNAL without their message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location =
      error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
    const errors: FieldProblem[] = error.validation.flatMap((v) => {
      const base = v.instancePath === '/' ? '' : v.instancePath;
      const keys = (v.params as { keys?: unknown }).keys;
      // An unknown field is reported at its own path, so a client sees exactly what to remove.
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        return keys.map((k) => ({
          in: location,
          path: `${base}/${String(k)}`,
          message: 'Unknown field',
          code: v.keyword,
        }));
      }
      return [{ in: location, path: base, message: v.message ?? 'invalid', code: v.keyword }];
    });
    return new AppError('VALIDATION_FAILED', `The ${location} is not valid`, { errors });
  }
  if (isResponseSerializationError(error)) {
    return new AppError('INTERNAL', undefined, { cause: error });
  }
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', fe.message, {
        errors: [{ in: 'body', path: '', message: fe.message }],
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The body is empty but the content type is JSON', {
        errors: [{ in: 'body', path: '', message: 'empty body' }],
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(fe.statusCode === 400 ? 'BAD_REQUEST' : 'UNSUPPORTED_MEDIA_TYPE', fe.message);
    case 'FST_ERR_VALIDATION':
      return new AppError('VALIDATION_FAILED', fe.message);
    default:
      break;
  }
  if (
    error instanceof SyntaxError &&
    (fe.statusCode === 400 || /JSON|prototype|constructor/.test(error.message))
  ) {
    return new AppError('MALFORMED_JSON', error.message, {
      errors: [{ in: 'body', path: '', message: error.message }],
    });
  }
  const dbCode = errorCode(error);
  if (dbCode) {
    return new AppError('SERVICE_UNAVAILABLE', 'The database is busy or unreachable; retry shortly', {
      headers: { 'retry-after': '1' },
      cause: error,
    });
  }
  if (fe.statusCode === 429) return new AppError('RATE_LIMITED', fe.message);
  if (fe.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE', fe.message);
  if (fe.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', fe.message);
  if (fe.statusCode === 406) return new AppError('NOT_ACCEPTABLE', fe.message);
  if (fe.statusCode === 404) return new AppError('NOT_FOUND', fe.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('BAD_REQUEST', fe.message);
  }
  return new AppError('INTERNAL', undefined, { cause: error });
}
