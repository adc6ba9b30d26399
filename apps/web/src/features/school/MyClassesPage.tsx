import type { TOrganization } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryStatus } from '../../ui/QueryStatus';
import { OrganizationGate } from '../organization/OrganizationGate';
import { SectionTitle } from '../organization/SectionTitle';
import { ClassList } from './ClassList';
import { useClasses } from './use-school-queries';

/**
 * /my-classes «Мои классы»: the classes of the current organization the person teaches, learns
 * in or has children in; a parent sees which of their children is in each.
 */
export function MyClassesPage() {
  const { t } = useTranslation();
  return (
    <section className="page page--wide" aria-labelledby="page-title">
      <OrganizationGate title={t('myClasses.title')}>{(organization) => <MyClasses organization={organization} />}</OrganizationGate>
    </section>
  );
}

function MyClasses({ organization }: { organization: TOrganization }) {
  const { t } = useTranslation();
  const classes = useClasses(organization.id);
  const mine = classes.data?.classes.filter((item) => item.myPlaces.length > 0);
  // Class teachers review reports of messages from their classes.
  const leadsAClass = mine?.some((item) => item.myPlaces.includes('class_teacher')) ?? false;
  return (
    <>
      <SectionTitle title={t('myClasses.title')} />
      <p className="muted">{t('myClasses.intro', { organization: organization.shortName })}</p>
      {leadsAClass && (
        <p>
          <Link to="/organization/reports">{t('myClasses.reports')}</Link>
        </p>
      )}
      <QueryStatus query={classes} />
      {mine && (mine.length === 0 ? <p className="card">{t('myClasses.empty')}</p> : <ClassList classes={mine} showChildren />)}
    </>
  );
}
