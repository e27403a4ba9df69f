import { AppError } from './errors.ts';

/** Field codes in `errors[].code` of a MALFORMED_MULTIPART answer, stable for clients. */
export const multipartProblemCodes = {
  boundaryMissing: 'BOUNDARY_MISSING',
  boundaryInvalid: 'BOUNDARY_INVALID',
  truncated: 'MISSING_CLOSING_BOUNDARY',
  closedEarly: 'BODY_INCOMPLETE',
} as const;

const contentTypeProblem = (code: string, message: string) =>
  new AppError('MALFORMED_MULTIPART', message, {
    errors: [{ in: 'headers', path: '/content-type', message, code }],
  });
const bodyProblem = (code: string, message: string) =>
  new AppError('MALFORMED_MULTIPART', message, { errors: [{ in: 'body', path: '', message, code }] });

/**
 * The problem for an error raised while reading a multipart/form-data body (@fastify/multipart and
 * its parser, busboy), or undefined when the error is not one. busboy reports a malformed body with
 * plain Errors told apart only by their message, which is why they are matched here, in one place,
 * with a test per message (a new busboy wording would turn back into a 500 and fail those tests).
 */
export function multipartProblem(error: unknown): AppError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_MP_PREMATURE_CLOSE') {
    return bodyProblem(
      multipartProblemCodes.closedEarly,
      'The connection closed before the body was complete',
    );
  }
  if (code === 'FST_PROTO_VIOLATION') {
    return new AppError('VALIDATION_FAILED', 'A part is named __proto__', {
      errors: [{ in: 'body', path: '', message: error.message, code: 'FORBIDDEN_KEY' }],
    });
  }
  const message = error.message;
  if (message === 'Multipart: Boundary not found') {
    return contentTypeProblem(
      multipartProblemCodes.boundaryMissing,
      'multipart/form-data needs a boundary parameter: Content-Type: multipart/form-data; boundary=…',
    );
  }
  // The boundary becomes the parser's search needle: empty or over 256 characters is refused
  // there (RFC 2046 §5.1.1 allows 1 to 70).
  if (message.startsWith('The needle cannot')) {
    return contentTypeProblem(
      multipartProblemCodes.boundaryInvalid,
      'The multipart boundary must be 1 to 70 characters (RFC 2046)',
    );
  }
  if (
    message === 'Unexpected end of multipart data' ||
    message.endsWith('terminated early due to unexpected end of multipart data')
  ) {
    return bodyProblem(
      multipartProblemCodes.truncated,
      'The body ends before its closing boundary (--boundary--), or holds no part with the boundary of the Content-Type',
    );
  }
  return undefined;
}
