import type { TClass } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { useNotice } from '../../ui/use-notice';
import { isAdministrator } from '../organization/organization-roles';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { ClassList } from './ClassList';
import { CreateClassCard } from './CreateClassCard';
import { useClasses } from './use-school-queries';

/** /organization/classes: every class of the organization; administrators also create them here. */
export function ClassesSection() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const classes = useClasses(organization.id);
  const notice = useNotice();
  const onCreated = (created: TClass) => notice.show(t('classes.create.done', { name: created.name }));

  return (
    <>
      <SectionTitle title={t('console.sections.classes')} />
      <Notice notice={notice} />
      {isAdministrator(organization) && <CreateClassCard organizationId={organization.id} onCreated={onCreated} />}
      <QueryStatus query={classes} />
      {classes.data && (classes.data.classes.length === 0 ? <p className="card">{t('classes.empty')}</p> : <ClassList classes={classes.data.classes} />)}
    </>
  );
}
