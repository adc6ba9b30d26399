import type { TListMembersResponse, TMember } from '@parta/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { useNotice, type NoticeHandle } from '../../ui/use-notice';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { MemberCard } from './MemberCard';
import { MemberClasses } from './MemberClasses';
import { useMembers } from './use-school-queries';
import { VerificationActions } from './VerificationActions';

/**
 * /organization/verification (administrators): teachers waiting for «Подтвердить статус», then
 * the confirmed ones, whose confirmation can be withdrawn.
 */
export function VerificationSection() {
  const { t } = useTranslation();
  const { id: organizationId } = useConsoleOrganization();
  const notice = useNotice();
  const pending = useMembers(organizationId, { role: 'teacher', pendingVerification: true });
  const teachers = useMembers(organizationId, { role: 'teacher' });
  return (
    <>
      <SectionTitle title={t('console.sections.verification')} />
      <p>{t('verification.intro')}</p>
      <Notice notice={notice} />
      <TeacherGroup title={t('verification.pendingTitle')} empty={t('verification.pendingEmpty')} query={pending} organizationId={organizationId} notice={notice} />
      <TeacherGroup
        title={t('verification.verifiedTitle')}
        empty={t('verification.verifiedEmpty')}
        query={teachers}
        keep={(member) => member.verifiedTeacher}
        organizationId={organizationId}
        notice={notice}
      />
    </>
  );
}

type TeacherGroupProps = {
  title: string;
  empty: string;
  query: UseQueryResult<TListMembersResponse>;
  keep?: (member: TMember) => boolean;
  organizationId: string;
  notice: NoticeHandle;
};

function TeacherGroup({ title, empty, query, keep = () => true, organizationId, notice }: TeacherGroupProps) {
  const members = query.data?.members.filter(keep);
  return (
    <section className="roster-group" aria-label={title}>
      <h2>{title}</h2>
      <QueryStatus query={query} />
      {members && members.length === 0 && <p className="card">{empty}</p>}
      {members && members.length > 0 && (
        <ul className="member-list">
          {members.map((member) => (
            <MemberCard key={member.id} member={member} details={<MemberClasses member={member} />} actions={<VerificationActions organizationId={organizationId} member={member} onDone={notice.show} />} />
          ))}
        </ul>
      )}
    </section>
  );
}
