import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { useNotice } from '../../ui/use-notice';
import { ClassLessons } from '../calls/ClassLessons';
import { ClassChatButtons } from '../chats/ClassChatButtons';
import { isAdministrator, isStaff } from '../organization/organization-roles';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { ClassAdminActions } from './ClassAdminActions';
import { ClassFacts } from './ClassFacts';
import { ClassRoster } from './ClassRoster';
import { useClassDetail } from './use-school-queries';

/**
 * /organization/classes/:classId: a class and its people in groups, with role badges, the
 * verified-teacher badge and «last seen». Contacts appear only where the server sends them
 * (to administrators). Administrators manage the class and its students from here.
 */
export function ClassPage() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const { classId = '' } = useParams();
  const detail = useClassDetail(organization.id, classId);
  const notice = useNotice();
  const item = detail.data?.class;
  const canManage = isAdministrator(organization);
  const back = isStaff(organization) ? { to: '/organization/classes', label: t('classPage.backToClasses') } : { to: '/my-classes', label: t('classPage.backToMyClasses') };
  const isMissing = isApiError(detail.error) && detail.error.status === 404;

  return (
    <>
      <p>
        <Link to={back.to}>
          <span aria-hidden="true">← </span>
          {back.label}
        </Link>
      </p>
      <SectionTitle title={item ? t('classPage.title', { name: item.name }) : t('classPage.fallbackTitle')} />
      {isMissing ? <p className="card">{t('classPage.notFound')}</p> : <QueryStatus query={detail} />}
      {item && detail.data && (
        <>
          {item.kind === 'staff_room' ? (
            <p>{t('classes.staffRoomNote')}</p>
          ) : (
            <ClassFacts item={item} className="class-summary" />
          )}
          <Notice notice={notice} />
          <ClassChatButtons organization={organization} item={item} />
          <ClassLessons organization={organization} item={item} />
          {canManage && item.kind === 'class' && <ClassAdminActions organizationId={organization.id} item={item} onDone={notice.show} />}
          <ClassRoster detail={detail.data} organizationId={organization.id} canManage={canManage} onDone={notice.show} />
        </>
      )}
    </>
  );
}
