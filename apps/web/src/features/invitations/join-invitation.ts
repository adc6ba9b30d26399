import type { TAcceptInvitationResponse } from '@parta/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { browserLocalStorage, storeChosenOrganization } from '../organization/chosen-organization-store';
import { fetchMyOrganizations, myOrganizationsQueryKey } from '../organization/organization-api';
import { acceptInvitation } from './invitations-api';

/**
 * Accepts the invitation. When the person joined at once, the organization becomes their current
 * one and their list of organizations is fetched anew *before* this resolves, so the page they
 * are sent to next already knows the new membership (no flash of the old organization, no race
 * between a refetch and the navigation).
 */
export async function joinByInvitation(queryClient: QueryClient, userId: string, token: string, note: string): Promise<TAcceptInvitationResponse> {
  const trimmed = note.trim();
  const result = await acceptInvitation(token, trimmed === '' ? {} : { note: trimmed });
  if (result.status === 'joined') {
    storeChosenOrganization(browserLocalStorage(), userId, result.organizationId);
    await queryClient
      .fetchQuery({ queryKey: myOrganizationsQueryKey, queryFn: ({ signal }) => fetchMyOrganizations(signal), staleTime: 0 })
      .catch((error: unknown) => console.warn('Could not refresh the organizations after joining', error));
  }
  return result;
}
