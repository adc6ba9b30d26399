import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createEventRegistry } from '../../platform/realtime/event-registry';
import { joinRequestsQueryKey } from '../invitations/invitations-api';
import { registerInvitationEventHandlers } from '../invitations/invitation-events';
import { myOrganizationsQueryKey } from '../organization/organization-api';
import { classesQueryKey, classQueryKey, memberListQueryKey } from './school-api';
import { registerSchoolEventHandlers } from './school-events';

const schoolId = '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d';
const otherId = '5d6e7f80-91a2-4b3c-9d4e-5f6a7b8c9d0e';
const classId = '9f8e7d6c-5b4a-4392-8817-0a1b2c3d4e5f';
const at = '2026-03-05T10:00:00.000Z';

function cacheWithEverything() {
  const queryClient = new QueryClient();
  const keys = {
    organizations: myOrganizationsQueryKey,
    classes: classesQueryKey(schoolId),
    classPage: classQueryKey(schoolId, classId),
    members: memberListQueryKey(schoolId, { role: 'teacher' }),
    joinRequests: joinRequestsQueryKey(schoolId),
    otherClasses: classesQueryKey(otherId),
  };
  for (const key of Object.values(keys)) queryClient.setQueryData(key, { cached: true });
  const isStale = (key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated === true;
  return { queryClient, keys, isStale };
}

describe('membership and join-request events', () => {
  it('membership.changed refreshes my organizations and that organization’s classes and people', () => {
    const { queryClient, keys, isStale } = cacheWithEverything();
    const registry = createEventRegistry();
    registerSchoolEventHandlers({ registry, queryClient });
    registry.dispatch({ type: 'event', seq: 1, name: 'membership.changed', data: { organizationId: schoolId }, at });
    expect(isStale(keys.organizations)).toBe(true);
    expect(isStale(keys.classes)).toBe(true);
    expect(isStale(keys.classPage)).toBe(true);
    expect(isStale(keys.members)).toBe(true);
    expect(isStale(keys.joinRequests)).toBe(false);
    expect(isStale(keys.otherClasses)).toBe(false);
  });

  it('joinRequest.created refreshes the queue; joinRequest.decided the person’s organizations', () => {
    const { queryClient, keys, isStale } = cacheWithEverything();
    const registry = createEventRegistry();
    const unregister = registerInvitationEventHandlers({ registry, queryClient });
    registry.dispatch({ type: 'event', seq: 1, name: 'joinRequest.created', data: { organizationId: schoolId, requestId: classId }, at });
    expect(isStale(keys.joinRequests)).toBe(true);
    expect(isStale(keys.organizations)).toBe(false);
    registry.dispatch({ type: 'event', seq: 2, name: 'joinRequest.decided', data: { organizationId: schoolId, organizationName: 'Школа № 5', className: null, status: 'accepted' }, at });
    expect(isStale(keys.organizations)).toBe(true);
    unregister();
  });
});
