import type { TMessageReport } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../platform/api';
import { formatDateTime } from '../../platform/i18n/format';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { RadioGroupField } from '../../ui/RadioGroupField';
import { useNotice } from '../../ui/use-notice';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { describeRefusal } from './chat-errors';
import { fetchReports, reportsQueryKey, resolveReport } from './chats-api';

type Status = 'open' | 'closed';

/**
 * /organization/reports «Жалобы»: reports of messages — all of them for administrators, those of
 * their classes for class teachers (the server decides; anyone else is told there is no access).
 * Each shows what was said, why, by whom, where and when, with «Удалить сообщение» (for everyone)
 * and «Отклонить». `report.changed` refreshes the queue.
 */
export function ReportsSection() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const queryClient = useQueryClient();
  const notice = useNotice();
  const [status, setStatus] = useState<Status>('open');
  const [deleting, setDeleting] = useState<TMessageReport | null>(null);
  const reports = useQuery({ queryKey: [...reportsQueryKey(organization.id), status], queryFn: ({ signal }) => fetchReports(organization.id, status, signal) });
  const resolve = useMutation({
    mutationFn: ({ report, action }: { report: TMessageReport; action: 'delete' | 'dismiss' }) => resolveReport(organization.id, report.id, action),
    onSuccess: (_answer, { report, action }) => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: reportsQueryKey(organization.id) });
      notice.show(action === 'delete' ? t('chats.reports.deleted', { title: report.chatTitle }) : t('chats.reports.dismissed'));
    },
    onError: (error) => {
      setDeleting(null);
      notice.show(describeRefusal(error, t), 'error');
    },
  });

  if (isApiError(reports.error) && reports.error.status === 403) {
    return (
      <>
        <SectionTitle title={t('console.sections.reports')} />
        <p className="card">{t('chats.reports.noAccess')}</p>
      </>
    );
  }

  const list = reports.data?.reports;
  return (
    <>
      <SectionTitle title={t('console.sections.reports')} />
      <p>{t('chats.reports.intro')}</p>
      <Notice notice={notice} />
      <RadioGroupField
        legend={t('chats.reports.show')}
        options={[
          { value: 'open', label: t('chats.reports.open') },
          { value: 'closed', label: t('chats.reports.closed') },
        ]}
        value={status}
        onChange={setStatus}
      />
      <QueryStatus query={reports} />
      {list && list.length === 0 && <p className="card">{status === 'open' ? t('chats.reports.emptyOpen') : t('chats.reports.emptyClosed')}</p>}
      {list && list.length > 0 && (
        <ul className="report-list" aria-label={status === 'open' ? t('chats.reports.open') : t('chats.reports.closed')}>
          {list.map((report) => (
            <ReportCard key={report.id} report={report} isPending={resolve.isPending} onDelete={() => setDeleting(report)} onDismiss={() => resolve.mutate({ report, action: 'dismiss' })} />
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('chats.reports.deleteTitle')}
          confirmLabel={t('chats.reports.deleteConfirm')}
          isDangerous
          isPending={resolve.isPending}
          pendingLabel={t('chats.delete.pending')}
          onConfirm={() => resolve.mutate({ report: deleting, action: 'delete' })}
          onCancel={() => setDeleting(null)}
        >
          <p>{t('chats.reports.deleteText', { title: deleting.chatTitle })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

const statusKeys = { open: 'chats.reports.statuses.open', deleted: 'chats.reports.statuses.deleted', dismissed: 'chats.reports.statuses.dismissed' } as const;

function ReportCard({ report, isPending, onDelete, onDismiss }: { report: TMessageReport; isPending: boolean; onDelete: () => void; onDismiss: () => void }) {
  const { t, i18n } = useTranslation();
  const titleId = `report-${report.id}`;
  return (
    <li className="card report-card" aria-labelledby={titleId}>
      <h2 id={titleId} className="report-card__title">
        {t('chats.reports.from', { name: report.author?.displayName ?? t('chats.message.unknownAuthor'), title: report.chatTitle })}{' '}
        <span className={`badge badge--state badge--report-${report.status}`}>{t(statusKeys[report.status])}</span>
      </h2>
      <blockquote className="report-card__text">{report.messageText === '' ? t('chats.reports.noText') : report.messageText}</blockquote>
      <dl className="details details--compact">
        <dt>{t('chats.reports.reason')}</dt>
        <dd className="report-card__reason">{report.reason}</dd>
        <dt>{t('chats.reports.reporter')}</dt>
        <dd>{report.reporter.displayName}</dd>
        <dt>{t('chats.reports.chat')}</dt>
        <dd>
          <Link to={`/chats/${report.chatId}`}>{report.chatTitle}</Link>
        </dd>
        <dt>{t('chats.reports.when')}</dt>
        <dd>
          <time dateTime={report.createdAt}>{formatDateTime(new Date(report.createdAt), i18n.language)}</time>
        </dd>
      </dl>
      {report.status === 'open' && (
        <div className="toolbar report-card__actions">
          <Button variant="secondary" className="button--danger" disabled={isPending} aria-describedby={titleId} onClick={onDelete}>
            {t('chats.reports.delete')}
          </Button>
          <Button variant="secondary" disabled={isPending} aria-describedby={titleId} onClick={onDismiss}>
            {t('chats.reports.dismiss')}
          </Button>
        </div>
      )}
    </li>
  );
}
