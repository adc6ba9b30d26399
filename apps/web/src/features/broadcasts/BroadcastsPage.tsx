import type { TBroadcast, TOrganization } from '@parta/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../platform/session/use-me';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { OrganizationGate } from '../organization/OrganizationGate';
import { isAdministrator, isStaff } from '../organization/organization-roles';
import { SectionTitle } from '../organization/SectionTitle';
import { useMembers } from '../school/use-school-queries';
import { broadcastStatusText } from './broadcast-labels';
import { broadcastsQueryKey, fetchBroadcasts } from './broadcasts-api';
import { CreateBroadcastForm, type StaffMember } from './CreateBroadcastForm';

/**
 * /broadcasts «Трансляции»: the school's broadcasts (live first, then planned, then ended) and,
 * for administrators, the director and verified teachers, «Новая трансляция».
 */
export function BroadcastsPage() {
  const { t } = useTranslation();
  return (
    <section className="page page--wide" aria-labelledby="page-title">
      <OrganizationGate title={t('broadcasts.title')}>{(organization) => <Broadcasts key={organization.id} organization={organization} />}</OrganizationGate>
    </section>
  );
}

/**
 * The school's staff (who may speak) and whether this person may create broadcasts: administrators
 * and the director may, a teacher once their status is confirmed (seen in the staff list, which
 * only staff may read).
 */
function useStaff(organization: TOrganization) {
  const me = useMe();
  const enabled = isStaff(organization);
  const teachers = useMembers(organization.id, { role: 'teacher' }, { enabled });
  const administrators = useMembers(organization.id, { role: 'administrator' }, { enabled });
  const directors = useMembers(organization.id, { role: 'director' }, { enabled });
  const queries = [administrators, directors, teachers];
  const byId = new Map<string, StaffMember>();
  for (const query of queries) for (const member of query.data?.members ?? []) byId.set(member.id, { id: member.id, displayName: member.displayName, verifiedTeacher: member.verifiedTeacher });
  const staff = [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const isManager = isAdministrator(organization) || organization.myRoles.includes('director');
  const canCreate = isManager || (organization.myRoles.includes('teacher') && (teachers.data?.members.some((member) => member.id === me.id && member.verifiedTeacher) ?? false));
  const isLoaded = queries.every((query) => query.data !== undefined);
  return { staff, canCreate, isLoaded, failed: queries.find((query) => query.isError) ?? null };
}

function Broadcasts({ organization }: { organization: TOrganization }) {
  const { t } = useTranslation();
  const me = useMe();
  const list = useQuery({
    queryKey: broadcastsQueryKey(organization.id),
    queryFn: ({ signal }) => fetchBroadcasts(organization.id, signal),
    // Viewer counts of live broadcasts move; planned ones start.
    refetchInterval: (query) => (query.state.data?.broadcasts.some((item) => item.status !== 'ended') ? 15_000 : false),
  });
  const { staff, canCreate, isLoaded, failed } = useStaff(organization);
  const [isCreating, setCreating] = useState(false);
  const broadcasts = list.data?.broadcasts ?? [];

  return (
    <>
      <SectionTitle title={t('broadcasts.title')} />
      <p className="muted">{t('broadcasts.intro')}</p>
      {canCreate && (
        <div className="toolbar">
          <Button aria-expanded={isCreating} aria-controls="new-broadcast" onClick={() => setCreating(!isCreating)}>
            {t('broadcasts.create.open')}
          </Button>
        </div>
      )}
      {canCreate && isCreating && (
        <div id="new-broadcast">
          {failed ? <QueryStatus query={failed} /> : isLoaded ? <CreateBroadcastForm organizationId={organization.id} staff={staff} authorId={me.id} onCancel={() => setCreating(false)} /> : <p role="status">{t('app.loading')}</p>}
        </div>
      )}
      <QueryStatus query={list} />
      {list.data &&
        (broadcasts.length === 0 ? (
          <p className="card">{t('broadcasts.none')}</p>
        ) : (
          <ul className="broadcast-list" aria-label={t('broadcasts.listLabel')}>
            {broadcasts.map((broadcast) => (
              <BroadcastItem key={broadcast.id} broadcast={broadcast} />
            ))}
          </ul>
        ))}
    </>
  );
}

function BroadcastItem({ broadcast }: { broadcast: TBroadcast }) {
  const { t } = useTranslation();
  return (
    <li className="card broadcast-item">
      <h2 className="broadcast-item__title">
        <Link to={`/broadcasts/${broadcast.id}`}>{broadcast.title}</Link>
      </h2>
      <p className="broadcast-item__facts">
        <StatusBadge broadcast={broadcast} />
        {broadcast.status === 'live' && <span> {t('broadcasts.viewersNow', { count: broadcast.viewers })}</span>}
        {broadcast.status === 'ended' && <span className="muted"> {t('broadcasts.viewersTotal', { peak: broadcast.peakViewers, total: broadcast.totalViews })}</span>}
      </p>
      {broadcast.speakers.length > 0 && <p className="muted">{t('broadcasts.speakers', { names: broadcast.speakers.map((speaker) => speaker.person.displayName).join(', ') })}</p>}
    </li>
  );
}

/** «В эфире» / «Запланирована на …» / «Завершена» as a badge. */
export function StatusBadge({ broadcast }: { broadcast: Pick<TBroadcast, 'status' | 'scheduledFor'> }) {
  const { t, i18n } = useTranslation();
  return <span className={`badge badge--broadcast-${broadcast.status}`}>{broadcastStatusText(broadcast, t, i18n.language)}</span>;
}
