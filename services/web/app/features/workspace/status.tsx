import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api';

/** A failed save in plain words, by the problem's code. */
export function problemText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'DEADLINE_PASSED':
        return t('workspace.problem.deadline');
      case 'FORBIDDEN':
        return t('workspace.problem.forbidden');
      case 'NOT_FOUND':
        return t('problem.NOT_FOUND');
      case 'NETWORK':
        return t('problem.NETWORK');
      case 'CONFLICT':
      case 'ALREADY_EXISTS':
        return t('workspace.problem.conflict', { detail: error.problem?.detail ?? error.message });
      default:
        return t('problem.other', { status: error.status });
    }
  }
  return t('common.error', { message: error instanceof Error ? error.message : String(error) });
}

/** "Unsaved changes" / "Saving…" / "Saved", read out politely when it changes. */
export function SaveStatus({
  dirty,
  status,
  failure,
}: {
  dirty: boolean;
  status: 'idle' | 'saving' | 'saved' | 'conflict' | 'error';
  failure: string | null;
}) {
  const { t } = useTranslation();
  const text =
    status === 'saving'
      ? t('workspace.status.saving')
      : status === 'conflict'
        ? t('workspace.status.conflict')
        : dirty
          ? t('workspace.status.unsaved')
          : status === 'saved'
            ? t('workspace.status.saved')
            : '';
  return (
    <>
      <span role="status" className={`save-status${dirty ? ' save-status--dirty' : ''}`}>
        {text}
      </span>
      {failure && (
        <p role="alert" className="notice notice--error">
          {failure}
        </p>
      )}
    </>
  );
}
