import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { describeError } from '../platform/i18n/describe-error';
import { Alert } from './Alert';
import { Button } from './Button';

/** While a list loads: «Загрузка…»; when it failed: why, and «Повторить». Nothing once it is there. */
export function QueryStatus({ query }: { query: Pick<UseQueryResult, 'isPending' | 'isError' | 'error' | 'refetch' | 'isFetching'> }) {
  const { t } = useTranslation();
  if (query.isPending && !query.isError) {
    return (
      <p className="muted" role="status">
        {t('app.loading')}
      </p>
    );
  }
  if (!query.isError) return null;
  return (
    <div className="card">
      <Alert>{describeError(query.error, t)}</Alert>
      <p className="query-status__retry">
        <Button variant="secondary" onClick={() => void query.refetch()} disabled={query.isFetching}>
          {t('common.retry')}
        </Button>
      </p>
    </div>
  );
}
