import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../ui/use-document-title';

/** "Чаты — Парта": the page's own name first, so tabs and screen readers lead with it. */
export function usePageTitle(pageTitle: string): void {
  const { t } = useTranslation();
  useDocumentTitle(`${pageTitle} — ${t('app.name')}`);
}
