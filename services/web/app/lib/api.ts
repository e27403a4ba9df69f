import createClient from 'openapi-fetch';
import type { ErrorCode } from '@permed/http/errors';
import type { paths } from '../api/schema.gen';
import { sessionMiddleware } from './session';

/** The one typed client of the platform's API (types generated from its OpenAPI document). */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(sessionMiddleware);

/** A problem+json body (RFC 9457) as the platform sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: { in?: string; path: string; message: string; code?: string }[];
}

/** What the pages branch on: the platform's stable code, or NETWORK when no answer came. */
export type ApiErrorCode = ErrorCode | 'NETWORK' | 'UNEXPECTED';

/** The one place a failed call becomes a typed error; pages switch on `code`, never on text. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly problem: Problem | null;

  constructor(code: ApiErrorCode, status: number, problem: Problem | null, message?: string) {
    super(message ?? problem?.detail ?? problem?.title ?? code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.problem = problem;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

export function toApiError(body: unknown, response: Response): ApiError {
  if (isProblem(body)) return new ApiError(body.code, response.status, body);
  return new ApiError('UNEXPECTED', response.status, null, `HTTP ${response.status}`);
}

/**
 * Unwraps an openapi-fetch call: its data, or an ApiError (problem+json by code; a network failure
 * as NETWORK), so TanStack Query sees one kind of failure.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError('NETWORK', 0, null, cause instanceof Error ? cause.message : String(cause));
  }
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.error, result.response);
  return result.data as T;
}
