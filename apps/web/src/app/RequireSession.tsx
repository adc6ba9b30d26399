import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { welcomePathFor } from '../features/auth/welcome-path';
import { describeError } from '../platform/i18n/describe-error';
import { signInPathFor } from '../platform/session/next-path';
import { useMeQuery } from '../platform/session/use-me';
import { Button } from '../ui/Button';
import { FullPageStatus } from '../ui/FullPageStatus';

/**
 * The guard of every signed-in route: nobody → /sign-in (remembering the page); a person without
 * a name → «Как вас зовут?» first; the server unreachable → say so and offer to retry.
 */
export function RequireSession({ children, allowUnnamed = false }: { children: ReactNode; allowUnnamed?: boolean }) {
  const { t } = useTranslation();
  const location = useLocation();
  const { data: me, isPending, error, refetch, isFetching } = useMeQuery();

  if (isPending) return <FullPageStatus>{t('app.loading')}</FullPageStatus>;
  if (me === undefined) {
    return (
      <FullPageStatus>
        <p>
          {t('session.loadFailed')} {describeError(error, t)}
        </p>
        <Button onClick={() => void refetch()} disabled={isFetching}>
          {t('session.retry')}
        </Button>
      </FullPageStatus>
    );
  }
  if (me === null) return <Navigate to={signInPathFor(location)} replace />;
  if (!allowUnnamed && me.displayName.trim() === '') {
    return <Navigate to={welcomePathFor(`${location.pathname}${location.search}${location.hash}`)} replace />;
  }
  return children;
}
