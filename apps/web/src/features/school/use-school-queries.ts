import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { myOrganizationsQueryKey } from '../organization/organization-api';
import { classesQueryKey, classQueryKey, fetchClass, fetchClasses, fetchMembers, memberListQueryKey, membersQueryKey, type MemberFilters } from './school-api';

export function useClasses(organizationId: string) {
  return useQuery({ queryKey: classesQueryKey(organizationId), queryFn: ({ signal }) => fetchClasses(organizationId, signal) });
}

export function useClassDetail(organizationId: string, classId: string) {
  return useQuery({ queryKey: classQueryKey(organizationId, classId), queryFn: ({ signal }) => fetchClass(organizationId, classId, signal) });
}

export function useMembers(organizationId: string, filters: MemberFilters, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: memberListQueryKey(organizationId, filters),
    queryFn: ({ signal }) => fetchMembers(organizationId, filters, signal),
    enabled,
    // Changing a filter must not blank the list between answers (but another organization's list is never shown).
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === organizationId ? previous : undefined),
  });
}

/** Classes (with every class page) and members of one organization are refetched. */
export function invalidateSchoolData(queryClient: QueryClient, organizationId: string): Promise<void> {
  return Promise.all([queryClient.invalidateQueries({ queryKey: classesQueryKey(organizationId) }), queryClient.invalidateQueries({ queryKey: membersQueryKey(organizationId) })]).then(() => undefined);
}

/** A person's place changed: their organizations (with `myRoles`) too. */
export function invalidateMembership(queryClient: QueryClient, organizationId: string): Promise<void> {
  return Promise.all([queryClient.invalidateQueries({ queryKey: myOrganizationsQueryKey }), invalidateSchoolData(queryClient, organizationId)]).then(() => undefined);
}

/**
 * A change to classes or people (verify, move, link, add): on success every list of the
 * organization is refetched in the background. Pages stay where they are, so nothing races
 * with a navigation; they show their notice and the lists update under it.
 */
export function useSchoolMutation<Variables, Result>(organizationId: string, mutationFn: (variables: Variables) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => void invalidateSchoolData(queryClient, organizationId),
  });
}
