import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import type { ru } from '../../platform/i18n/ru';
import { ComingSoon } from '../../ui/ComingSoon';

export type UpcomingArea = Exclude<keyof typeof ru.comingSoon, 'notice'>;

/** The page of a product area that is not built yet: its name, «Раздел появится скоро» and what it will hold. */
export function ComingSoonPage({ area }: { area: UpcomingArea }) {
  const { t } = useTranslation();
  const title = t(`nav.${area}`);
  usePageTitle(title);
  return <ComingSoon title={title} notice={t('comingSoon.notice')} description={t(`comingSoon.${area}`)} />;
}
