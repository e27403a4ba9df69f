import type { TFunction } from 'i18next';
import { ApiError } from '../../lib/api';

/** The deadline a DEADLINE_PASSED problem carries (instant, zone, local time in that zone). */
export interface ProblemDeadline {
  at: string;
  zone: string;
}

export function deadlineOf(error: unknown): ProblemDeadline | null {
  if (!(error instanceof ApiError) || error.code !== 'DEADLINE_PASSED') return null;
  const deadline = (error.problem as { deadline?: Partial<ProblemDeadline> } | null)?.deadline;
  return deadline?.at && deadline.zone ? { at: deadline.at, zone: deadline.zone } : null;
}

const refusalReasons = [
  'NOT_A_PDF',
  'TOO_LARGE',
  'UNPARSABLE',
  'ENCRYPTED',
  'ACTIVE_CONTENT',
  'TOO_MANY_PAGES',
  'PARSE_TIMEOUT',
  'PARSE_RESOURCE_LIMIT',
] as const;
type RefusalReason = (typeof refusalReasons)[number];
const isRefusal = (value: unknown): value is RefusalReason =>
  (refusalReasons as readonly unknown[]).includes(value);

/** Why the content check refused a file (the problem's `reason`, else its first error's code). */
export function refusalReason(error: unknown): RefusalReason | null {
  if (!(error instanceof ApiError) || !error.problem) return null;
  const problem = error.problem as { reason?: unknown; errors?: { code?: string }[] };
  const reason = typeof problem.reason === 'string' ? problem.reason : problem.errors?.[0]?.code;
  return isRefusal(reason) ? reason : null;
}

/** An upload's failure in plain words, by reason or code; never the server's English text. */
export function uploadProblemText(t: TFunction, error: unknown): string {
  const reason = refusalReason(error);
  if (reason) return t(`submission.refusal.${reason}`);
  return commonProblemText(t, error);
}

/** A failure of a submission step in plain words. */
export function commonProblemText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('submission.problem.other', { status: 0 });
  switch (error.code) {
    case 'PAYLOAD_TOO_LARGE':
      return t('submission.refusal.TOO_LARGE');
    case 'UNSUPPORTED_MEDIA_TYPE':
      return t('submission.refusal.NOT_A_PDF');
    case 'PRECONDITION_FAILED':
    case 'PRECONDITION_REQUIRED':
    case 'SUBMISSION_BLOCKED':
    case 'DEADLINE_PASSED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'UNAUTHENTICATED':
    case 'TOKEN_EXPIRED':
    case 'INVALID_TRANSITION':
    case 'RATE_LIMITED':
    case 'SERVICE_UNAVAILABLE':
    case 'NETWORK':
      return t(`submission.problem.${error.code}`);
    default:
      return t('submission.problem.other', { status: error.status });
  }
}
