/**
 * One error catalogue for the whole platform. Codes are stable SCREAMING_SNAKE strings that
 * clients may branch on; the table gives each its HTTP status and a human title. Bodies are
 * application/problem+json (RFC 9457).
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  MALFORMED_MULTIPART: { status: 400, title: 'The request body is not valid multipart/form-data' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  WEAK_PASSWORD: { status: 400, title: 'The password is too easy to guess' },
  LINK_INVALID: { status: 400, title: 'The link is invalid, has expired or was already used' },
  MALFORMED_URL: { status: 400, title: 'The URL is not valid' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'E-mail or password is wrong' },
  TOKEN_EXPIRED: { status: 401, title: 'The token has expired' },
  TOKEN_INVALID: { status: 401, title: 'The token is not valid' },
  SESSION_REVOKED: { status: 401, title: 'The session has ended' },
  FORBIDDEN: { status: 403, title: 'You may not do this' },
  EMAIL_NOT_VERIFIED: { status: 403, title: 'Confirm your e-mail address first' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  BODY_TOO_SLOW: { status: 408, title: 'The request body arrives too slowly' },
  CONFLICT: { status: 409, title: 'Conflict with the current state' },
  INVALID_TRANSITION: { status: 409, title: 'This step is not allowed in the current state' },
  DEADLINE_PASSED: { status: 409, title: 'The deadline has passed' },
  STAGE_NOT_OPEN: { status: 409, title: 'The stage is not open' },
  ALREADY_EXISTS: { status: 409, title: 'It already exists' },
  PUBLISHED_IMMUTABLE: { status: 409, title: 'A published version cannot be changed' },
  CALL_NOT_PUBLISHABLE: { status: 409, title: 'The call cannot be published yet' },
  NO_CHANGE: { status: 409, title: 'Nothing changed' },
  VERDICTS_PENDING: { status: 409, title: 'Official verdicts are still missing' },
  CONFIDENTIALITY_NOT_ACCEPTED: { status: 403, title: 'Accept the confidentiality undertaking first' },
  COI_DECLARATION_REQUIRED: { status: 403, title: 'Declare whether you have a conflict of interest first' },
  CONFLICT_OF_INTEREST: { status: 403, title: 'You have a conflict of interest with this proposal' },
  NOT_ASSIGNED: { status: 403, title: 'You are not assigned to this proposal' },
  INVITATION_USED: { status: 409, title: 'This invitation has already been answered' },
  INVITATION_EXPIRED: { status: 410, title: 'This invitation has expired' },
  ASSIGNMENT_INFEASIBLE: { status: 422, title: 'No assignment satisfies the constraints' },
  ASSIGNMENT_CONSTRAINT_VIOLATED: { status: 409, title: 'The change breaks an assignment constraint' },
  REVIEW_ALREADY_SUBMITTED: { status: 409, title: 'The review has already been submitted' },
  RANKING_FROZEN: { status: 409, title: 'The ranking list is frozen' },
  RANKING_INCOMPLETE: { status: 409, title: 'Some proposals have no final score yet' },
  SUBMISSION_BLOCKED: { status: 422, title: 'The proposal has blocking errors' },
  APPROVAL_REQUIRED: { status: 409, title: 'The change needs the call office’s approval first' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource has changed since you read it' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'A part of the URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  PRECONDITION_REQUIRED: { status: 428, title: 'If-Match is required' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  TOO_MANY_CONNECTIONS: { status: 429, title: 'Too many open connections from your address' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  INTERNAL: { status: 500, title: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is unavailable; try again' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldProblem {
  /** Which part of the request: body, query, params, headers, file. */
  in?: string;
  /** JSON pointer (RFC 6901) of the offending field within that part, e.g. "/partners/2/budget/personnel". */
  path: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[] | undefined;
  /** Extra members of the problem document (e.g. currentState, allowedEvents, serverTime). */
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: {
      errors?: FieldProblem[];
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(
      detail ?? errorCatalogue[code].title,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.detail = detail;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return `https://permed-calls.org/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function toProblem(error: AppError, instance?: string, requestId?: string): ProblemDocument {
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: errorCatalogue[error.code].title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

/** Turns a zod issue path into a JSON pointer ("/partners/0/email"). */
export function pointer(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  return path.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** Errors for a failed zod parse, located under a request part (body, query, params, headers). */
export function validationError(
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[],
  location: string,
  detail = 'The request is not valid',
): AppError {
  return new AppError('VALIDATION_FAILED', detail, {
    errors: issues.map((i) => ({
      in: location,
      path: pointer(i.path),
      message: i.message,
      ...(i.code ? { code: i.code } : {}),
    })),
  });
}
