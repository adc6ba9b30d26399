import type { TApplication, TApplicationStatus } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../platform/i18n/format';
import { organizationKindLabelKeys } from '../organization/organization-labels';
import { emptyListKeys } from './operator-labels';

type ApplicationListProps = { applications: readonly TApplication[]; status: TApplicationStatus; onOpen: () => void };

/** One card per application (a table would not fit a phone): the short name opens the details. */
export function ApplicationList({ applications, status, onOpen }: ApplicationListProps) {
  const { t, i18n } = useTranslation();
  if (applications.length === 0) return <p className="card">{t(emptyListKeys[status])}</p>;
  return (
    <ul className="application-list">
      {applications.map((application) => (
        <li key={application.id} className="card application-card">
          <h2 className="application-card__title">
            <Link to={{ search: `?status=${status}&id=${encodeURIComponent(application.id)}` }} onClick={onOpen}>
              {application.organization.shortName}
            </Link>
          </h2>
          <dl className="details details--compact">
            <dt>{t('operator.fields.kind')}</dt>
            <dd>{t(organizationKindLabelKeys[application.organization.kind])}</dd>
            <dt>{t('operator.fields.inn')}</dt>
            <dd>{application.organization.inn}</dd>
            <dt>{t('operator.fields.administrator')}</dt>
            <dd>{application.administrator.fullName}</dd>
            <dt>{t('operator.fields.submittedAt')}</dt>
            <dd>
              <time dateTime={application.submittedAt}>{formatDateTime(new Date(application.submittedAt), i18n.language)}</time>
            </dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
