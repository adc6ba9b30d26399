import type { TApplication, TApplicationStatus } from '@parta/contracts';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime, formatFileSize } from '../../platform/i18n/format';
import { organizationKindLabelKeys } from '../organization/organization-labels';
import { ApplicationDecision } from './ApplicationDecision';
import { statusLabelKeys } from './operator-labels';
import { orderScanUrl } from './operator-api';

type ApplicationDetailProps = {
  application: TApplication;
  /** The list it was opened from, for «Все заявки». */
  listStatus: TApplicationStatus;
  onDecided: (decided: TApplication, message: string) => void;
};

/** Everything the applicant sent, the scan of the order, and (while pending) the decision. */
export function ApplicationDetail({ application, listStatus, onDecided }: ApplicationDetailProps) {
  const { t, i18n } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { organization, administrator, order } = application;
  const notGiven = <span className="muted">{t('operator.fields.notGiven')}</span>;

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <article className="card application-detail" aria-labelledby="application-title">
      <p>
        <Link to={{ search: `?status=${listStatus}` }}>
          <span aria-hidden="true">← </span>
          {t('operator.detail.back')}
        </Link>
      </p>
      <h2 id="application-title" ref={headingRef} tabIndex={-1}>
        {organization.shortName}
      </h2>
      <p className="muted">
        {t(statusLabelKeys[application.status])} ·{' '}
        <time dateTime={application.submittedAt}>{formatDateTime(new Date(application.submittedAt), i18n.language)}</time>
      </p>

      <h3>{t('operator.detail.organization')}</h3>
      <dl className="details">
        <dt>{t('operator.fields.kind')}</dt>
        <dd>{t(organizationKindLabelKeys[organization.kind])}</dd>
        <dt>{t('operator.fields.fullName')}</dt>
        <dd>{organization.name}</dd>
        <dt>{t('operator.fields.shortName')}</dt>
        <dd>{organization.shortName}</dd>
        <dt>{t('operator.fields.inn')}</dt>
        <dd>{organization.inn}</dd>
        <dt>{t('operator.fields.address')}</dt>
        <dd>{organization.address}</dd>
        <dt>{t('operator.fields.parentName')}</dt>
        <dd>{organization.parentName ?? notGiven}</dd>
      </dl>

      <h3>{t('operator.detail.administrator')}</h3>
      <dl className="details">
        <dt>{t('operator.fields.adminName')}</dt>
        <dd>{administrator.fullName}</dd>
        <dt>{t('operator.fields.phone')}</dt>
        <dd>
          <a href={`tel:${administrator.phone}`}>{administrator.phone}</a>
        </dd>
        <dt>{t('operator.fields.email')}</dt>
        <dd>
          <a href={`mailto:${administrator.email}`}>{administrator.email}</a>
        </dd>
      </dl>

      <h3>{t('operator.detail.order')}</h3>
      <p>
        <a href={orderScanUrl(application.id)} target="_blank" rel="noopener noreferrer">
          {t('operator.detail.openOrder')}{' '}
          <span className="visually-hidden">{t('operator.detail.newTab')}</span>
        </a>{' '}
        <span className="muted">({t('operator.detail.orderFile', { name: order.name, size: formatFileSize(order.size, i18n.language) })})</span>
      </p>

      {application.status === 'pending' ? (
        <ApplicationDecision application={application} onDecided={onDecided} />
      ) : (
        <>
          <h3>{t('operator.detail.decision')}</h3>
          <dl className="details">
            <dt>{t('operator.fields.reviewedAt')}</dt>
            <dd>{application.reviewedAt ? <time dateTime={application.reviewedAt}>{formatDateTime(new Date(application.reviewedAt), i18n.language)}</time> : notGiven}</dd>
            {application.rejectionReason !== null && (
              <>
                <dt>{t('operator.fields.rejectionReason')}</dt>
                <dd className="preserve-lines">{application.rejectionReason}</dd>
              </>
            )}
          </dl>
        </>
      )}
    </article>
  );
}
