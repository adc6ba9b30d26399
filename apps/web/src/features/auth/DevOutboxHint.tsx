import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isDevOutboxAvailable } from './auth-api';

/**
 * In development the code is not really sent: it is printed in the server log and listed at
 * /dev/outbox. Shown only in a dev build or when the server says the outbox exists (404 in production).
 */
export function DevOutboxHint() {
  const { t } = useTranslation();
  const isDevBuild = import.meta.env.DEV;
  const probe = useQuery({
    queryKey: ['dev-outbox-available'],
    queryFn: isDevOutboxAvailable,
    enabled: !isDevBuild,
    retry: false,
    staleTime: Infinity,
  });
  if (!isDevBuild && probe.data !== true) return null;
  return (
    <p className="dev-hint">
      {t('auth.devOutbox.text')}{' '}
      <a href="/dev/outbox" target="_blank" rel="noopener noreferrer">
        {t('auth.devOutbox.link')}
        <span className="visually-hidden"> {t('auth.devOutbox.newTab')}</span>
      </a>
      .
    </p>
  );
}
