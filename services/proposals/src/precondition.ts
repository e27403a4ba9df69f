import { AppError } from '@permed/http';

export const etag = (version: number): string => `"${version}"`;

/** 412 with the version the client should re-read, in the ETag header and in the body. */
export function staleVersion(what: string, currentVersion: number, yourVersion: number): AppError {
  return new AppError(
    'PRECONDITION_FAILED',
    `The ${what} changed since you read it: reload it and apply your change again`,
    {
      extensions: { currentVersion, yourVersion },
      headers: { etag: etag(currentVersion) },
    },
  );
}
