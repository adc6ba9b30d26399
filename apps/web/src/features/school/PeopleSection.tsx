import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { useNotice } from '../../ui/use-notice';
import { isAdministrator } from '../organization/organization-roles';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { MemberAdminActions } from './MemberAdminActions';
import { MemberCard } from './MemberCard';
import { MemberClasses } from './MemberClasses';
import { PeopleFilters } from './PeopleFilters';
import { filtersFromSearch } from './people-filters';
import { membersSearch, type MemberFilters } from './school-api';
import { useClasses, useMembers } from './use-school-queries';

/** /organization/people: the people of the organization with filters. Staff read; administrators confirm teachers. */
export function PeopleSection() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(searchParams), [searchParams]);
  const members = useMembers(organization.id, filters);
  const classes = useClasses(organization.id);
  const notice = useNotice();
  const isAdmin = isAdministrator(organization);

  const onFiltersChange = useCallback((next: MemberFilters) => setSearchParams(membersSearch(next), { replace: true }), [setSearchParams]);
  const list = members.data?.members;

  return (
    <>
      <SectionTitle title={t('console.sections.people')} />
      <PeopleFilters filters={filters} classes={classes.data?.classes ?? []} onChange={onFiltersChange} />
      <Notice notice={notice} />
      <QueryStatus query={members} />
      {list && (
        <>
          <p className="muted" role="status">
            {t('people.count', { count: list.length })}
          </p>
          {list.length > 0 && (
            <ul className="member-list" aria-label={t('people.listLabel')}>
              {list.map((member) => (
                <MemberCard
                  key={member.id}
                  member={member}
                  details={<MemberClasses member={member} />}
                  actions={isAdmin ? <MemberAdminActions organizationId={organization.id} member={member} onDone={notice.show} /> : undefined}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}
