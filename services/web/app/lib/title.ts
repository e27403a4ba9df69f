import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** "<page> · PerMed Calls": each page names itself in the tab and for screen readers. */
export function useDocumentTitle(page: string | undefined): void {
  const { t } = useTranslation();
  const name = t('app.name');
  useEffect(() => {
    document.title = page ? `${page} · ${name}` : name;
  }, [page, name]);
}
