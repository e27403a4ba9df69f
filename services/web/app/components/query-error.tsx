import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api';

/** A failed load in plain words (by the problem's code), with a way to try again. */
export function QueryError({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useTranslation();
  let message: string;
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'NOT_FOUND':
      case 'ROUTE_NOT_FOUND':
      case 'RATE_LIMITED':
      case 'SERVICE_UNAVAILABLE':
      case 'NETWORK':
        message = t(`problem.${error.code}`);
        break;
      default:
        message = t('problem.other', { status: error.status });
    }
  } else {
    message = t('common.error', { message: error instanceof Error ? error.message : String(error) });
  }
  return (
    <div role="alert" className="notice notice--error">
      <p>{message}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
