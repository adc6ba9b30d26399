import { applicationStatuses, ZApplicationStatus, type TApplication, type TApplicationStatus } from '@parta/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { NotFoundPage } from '../../app/NotFoundPage';
import { describeError } from '../../platform/i18n/describe-error';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ApplicationDetail } from './ApplicationDetail';
import { ApplicationList } from './ApplicationList';
import { applicationsQueryKey, fetchApplications, recordDecision } from './operator-api';
import { statusLabelKeys } from './operator-labels';

/**
 * /operator/applications: the platform operator's queue of «заявки на регистрацию». Anyone else
 * gets the ordinary not-found page (the server answers 404 to them too), so the address reveals
 * nothing.
 */
export function ApplicationsPage() {
  const me = useMe();
  if (!me.isOperator) return <NotFoundPage />;
  return <ApplicationsQueue />;
}

function parseStatus(value: string | null): TApplicationStatus {
  const parsed = ZApplicationStatus.safeParse(value);
  return parsed.success ? parsed.data : 'pending';
}

/** The list for one status (?status=…) or one application's details (?status=…&id=…). */
function ApplicationsQueue() {
  const { t } = useTranslation();
  usePageTitle(t('operator.title'));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const status = parseStatus(searchParams.get('status'));
  // Just decided: shown as the list at once, whether the URL change (a transition) or the list
  // update lands first.
  const [decidedId, setDecidedId] = useState<string | null>(null);
  const requestedId = searchParams.get('id');
  const selectedId = requestedId === decidedId ? null : requestedId;
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const query = useQuery({ queryKey: applicationsQueryKey(status), queryFn: ({ signal }) => fetchApplications(status, signal) });

  // Back from a detail view: put the keyboard and screen reader at the top of the list again
  // (the app shell only does this when the path changes, and here only the query changes).
  const previousId = useRef(selectedId);
  useEffect(() => {
    const wasDetail = previousId.current !== null;
    previousId.current = selectedId;
    if (wasDetail && selectedId === null) (noticeRef.current ?? headingRef.current)?.focus();
  }, [selectedId]);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  useEffect(() => {
    if (requestedId === null) setDecidedId(null);
  }, [requestedId]);

  const onDecided = (decided: TApplication, message: string) => {
    setNotice(message);
    setDecidedId(decided.id);
    void navigate({ search: `?status=${status}` });
    recordDecision(queryClient, decided);
  };

  const applications = query.data?.applications;
  const selected = selectedId === null ? undefined : applications?.find((application) => application.id === selectedId);

  return (
    <section className="page page--wide" aria-labelledby="page-title">
      <h1 id="page-title" ref={headingRef} tabIndex={-1}>
        {t('operator.title')}
      </h1>
      <nav className="status-filter" aria-label={t('operator.filterLabel')}>
        <ul>
          {applicationStatuses.map((candidate) => (
            <li key={candidate}>
              <Link to={{ search: `?status=${candidate}` }} aria-current={candidate === status && selectedId === null ? 'page' : undefined} onClick={() => setNotice(null)}>
                {t(statusLabelKeys[candidate])}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {notice && (
        <Alert tone="success" ref={noticeRef}>
          {notice}
        </Alert>
      )}
      {query.isPending && (
        <p className="muted" role="status">
          {t('operator.loading')}
        </p>
      )}
      {query.isError && (
        <div className="card">
          <Alert>
            {t('operator.loadFailed')} {describeError(query.error, t)}
          </Alert>
          <p>
            <Button variant="secondary" onClick={() => void query.refetch()} disabled={query.isFetching}>
              {t('operator.retry')}
            </Button>
          </p>
        </div>
      )}
      {applications && selectedId === null && <ApplicationList applications={applications} status={status} onOpen={() => setNotice(null)} />}
      {applications && selectedId !== null && selected && <ApplicationDetail key={selected.id} application={selected} listStatus={status} onDecided={onDecided} />}
      {applications && selectedId !== null && !selected && (
        <div className="card">
          <p>{t('operator.detail.notFound')}</p>
          <p>
            <Link to={{ search: `?status=${status}` }}>{t('operator.detail.back')}</Link>
          </p>
        </div>
      )}
    </section>
  );
}
