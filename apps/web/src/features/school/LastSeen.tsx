import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelativeTime } from '../../platform/i18n/format';

/** «был(а) в сети 3 часа назад», «ещё не заходил(а)»; the exact moment is in the <time> element. */
export function LastSeen({ at, now = Date.now() }: { at: string | null; now?: number }) {
  const { t, i18n } = useTranslation();
  if (at === null) return <span className="muted">{t('school.lastSeen.never')}</span>;
  const date = new Date(at);
  const when = now - date.getTime() < 60_000 ? t('school.lastSeen.justNow') : formatRelativeTime(date, i18n.language, now);
  return (
    <span className="muted">
      {t('school.lastSeen.label')}{' '}
      <time dateTime={at} title={formatDateTime(date, i18n.language)}>
        {when}
      </time>
    </span>
  );
}
